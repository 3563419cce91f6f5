package io.losslake.federated.fused;

import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Single-precision matrix products on Java arrays through OpenBLAS (the library ND4J itself links),
 * called directly: the arrays are pinned for the call, not copied, so a product costs OpenBLAS's
 * time plus about a microsecond. Threads: OpenBLAS reads OMP_NUM_THREADS / OPENBLAS_NUM_THREADS,
 * which bin/losslake, the tests and spark.executorEnv set to 1 (Spark already runs one task per core).
 */
final class Blas {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private Blas() {
    }

    /** C (m x n) = alpha op(A) op(B) + beta C, row-major, op(X) = X or X^T. */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta,
                     float[] c, int ldc) {
        openblas_nolapack.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta,
                c, ldc);
    }
}
