/** Small dense linear algebra shared by the numerical modules. */

/**
 * Inverse of a symmetric positive-definite matrix through its Cholesky factor.
 * @returns null when the matrix is not positive definite (or not finite)
 */
export function invertSymmetricPositiveDefinite(matrix: Float64Array[]): Float64Array[] | null {
  const n = matrix.length;
  const L = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i][j];
      for (let k = 0; k < j; k++) sum -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(sum > 0) || !Number.isFinite(sum)) return null;
        L[i][i] = Math.sqrt(sum);
      } else {
        L[i][j] = sum / L[j][j];
      }
    }
  }
  // inverse = L^-T L^-1: solve for each unit vector.
  const inverse = Array.from({ length: n }, () => new Float64Array(n));
  const z = new Float64Array(n);
  for (let col = 0; col < n; col++) {
    for (let i = 0; i < n; i++) {
      let sum = i === col ? 1 : 0;
      for (let k = 0; k < i; k++) sum -= L[i][k] * z[k];
      z[i] = sum / L[i][i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = z[i];
      for (let k = i + 1; k < n; k++) sum -= L[k][i] * inverse[k][col];
      inverse[i][col] = sum / L[i][i];
    }
  }
  return inverse;
}
