/**
 * The linear assignment problem: given an n × n table of scores, the permutation p that maximises
 * Σ_i score[i][p[i]]. The Hungarian method with row and column potentials (Kuhn–Munkres in the
 * shortest-augmenting-path form), O(n³): rows are added one at a time, each by a Dijkstra-like
 * search for the cheapest augmenting path on reduced costs, which stay non-negative throughout.
 * Used to match heads and MLP neurons of two models (probes/landscape/align.ts); n is a layer's
 * head count or MLP width, so a few hundred at most.
 */

/** The permutation p maximising Σ_i score[i][p[i]] (row i goes to column p[i]); on ties, one of the best. */
export function maxAssignment(score: readonly (readonly number[])[]): number[] {
  const n = score.length;
  for (const row of score) if (row.length !== n) throw new Error(`maxAssignment needs a square table, got a row of ${row.length} in ${n}`);
  for (const row of score) for (const x of row) if (!Number.isFinite(x)) throw new Error(`maxAssignment needs finite scores, got ${x}`);
  // Minimise cost = -score. Indices 1..n; column 0 is the virtual start of each augmenting path.
  const u = new Float64Array(n + 1); // row potentials
  const v = new Float64Array(n + 1); // column potentials
  const rowOf = new Int32Array(n + 1); // rowOf[j]: the row assigned to column j (0: none)
  const way = new Int32Array(n + 1); // the previous column on the path to column j
  for (let i = 1; i <= n; i++) {
    rowOf[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = rowOf[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const reduced = -score[i0 - 1][j - 1] - u[i0] - v[j];
        if (reduced < minv[j]) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[rowOf[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (rowOf[j0] !== 0);
    // Flip the path's edges: every column on it takes the row before it.
    do {
      const j1 = way[j0];
      rowOf[j0] = rowOf[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const p = new Array<number>(n);
  for (let j = 1; j <= n; j++) p[rowOf[j] - 1] = j - 1;
  return p;
}
