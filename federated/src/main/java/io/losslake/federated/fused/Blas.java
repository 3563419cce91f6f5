package io.losslake.federated.fused;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Single-precision matrix products on Java arrays, through one of two OpenBLAS builds, called
 * directly on the arrays (pinned for the call, not copied):
 * <ul>
 *   <li>{@code system}: the machine's own {@code libblas.so.3} (Debian's libopenblas0-pthread:
 *       OpenBLAS 0.3.21, which picks AVX-512 kernels on current x86 CPUs), reached through
 *       dev.ludovic.netlib's JNI binding, the route Spark MLlib takes to native BLAS;</li>
 *   <li>{@code bundled}: the OpenBLAS 0.3.19 that ND4J's JavaCPP preset ships, which predates
 *       some CPUs (on AMD Zen 4 it runs its AVX2 "Zen" kernels).</li>
 * </ul>
 * The choice is made once per JVM and is deterministic: {@code LOSSLAKE_BLAS} (environment) or
 * {@code -Dlosslake.blas} = {@code system}, {@code bundled} or {@code auto} (the default: system
 * when its libblas.so.3 is an OpenBLAS and loads, else bundled). The two give the same products to
 * float rounding, not bit for bit, so a run's numbers are reproducible on machines that choose alike.
 * Threads: OpenBLAS reads OPENBLAS_NUM_THREADS / OMP_NUM_THREADS, which bin/losslake, the tests and
 * spark.executorEnv set to 1 (Spark already runs one task per core).
 */
final class Blas {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;
    /** Where Debian and most distributions put the BLAS alternative. */
    private static final List<Path> SYSTEM_BLAS = List.of(Path.of("/usr/lib/x86_64-linux-gnu/libblas.so.3"), Path.of("/usr/lib64/libblas.so.3"),
            Path.of("/usr/lib/libblas.so.3"));

    /** Chosen on first use, so that {@link #setting} can be checked without loading a library. */
    private static final class Chosen {
        /** netlib reports every implementation it could not load on java.util.logging; the fallback is ours to report. */
        static final java.util.logging.Logger NETLIB_LOG = quiet("dev.ludovic.netlib");
        static final Backend BACKEND = choose();
    }

    private Blas() {
    }

    /** C (m x n) = alpha op(A) op(B) + beta C, row-major, op(X) = X or X^T. */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta,
                     float[] c, int ldc) {
        Chosen.BACKEND.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /** Which BLAS this JVM multiplies with, e.g. "system OpenBLAS 0.3.21 (/usr/lib/.../libblas.so.3)". */
    static String describe() {
        return Chosen.BACKEND.describe();
    }

    /** The file of the library this JVM multiplies with, or null when unknown. */
    static String library() {
        return Chosen.BACKEND.library();
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.SEVERE);
        return logger;
    }

    /** Every backend this machine can load, for tests to hold them against one another. */
    static List<Backend> available() {
        List<Backend> out = new ArrayList<>(List.of(new Bundled()));
        Backend system = SystemOpenBlas.load(true);
        if (system != null) {
            out.add(system);
        }
        return out;
    }

    interface Backend {
        void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta,
                  float[] c, int ldc);

        String describe();

        String library();
    }

    /**
     * The asked-for backend, {@code auto} when none is asked for.
     *
     * @throws IllegalArgumentException one sentence when the setting names no backend
     */
    static String setting() {
        String asked = System.getProperty("losslake.blas", System.getenv().getOrDefault("LOSSLAKE_BLAS", "auto")).toLowerCase(Locale.ROOT);
        if (!List.of("auto", "system", "bundled").contains(asked)) {
            throw new IllegalArgumentException("LOSSLAKE_BLAS (or -Dlosslake.blas) is '" + asked + "'; expected auto, system or bundled.");
        }
        return asked;
    }

    private static Backend choose() {
        String asked = setting();
        switch (asked) {
            case "bundled" -> {
                return new Bundled();
            }
            case "system" -> {
                Backend system = SystemOpenBlas.load(true);
                if (system == null) {
                    throw new IllegalStateException("losslake.blas=system, but no native libblas.so.3 loads through dev.ludovic.netlib "
                            + "(install libopenblas0-pthread, or use bundled or auto)");
                }
                return system;
            }
            case "auto" -> {
                Backend system = SystemOpenBlas.load(false);
                return system != null ? system : new Bundled();
            }
            default -> throw new IllegalStateException(asked);
        }
    }

    /** ND4J's OpenBLAS through JavaCPP. */
    private static final class Bundled implements Backend {
        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta,
                         float[] c, int ldc) {
            openblas_nolapack.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta,
                    c, ldc);
        }

        @Override
        public String describe() {
            return "bundled" + openblas_nolapack.OPENBLAS_VERSION.stripTrailing() + " (ND4J's JavaCPP preset)";
        }

        @Override
        public String library() {
            return org.bytedeco.javacpp.Loader.load(openblas_nolapack.class);
        }
    }

    /** The machine's libblas.so.3 through dev.ludovic.netlib's JNI binding (Fortran sgemm, column-major). */
    private static final class SystemOpenBlas implements Backend {
        private final dev.ludovic.netlib.blas.BLAS blas;
        private final Path library;

        private SystemOpenBlas(dev.ludovic.netlib.blas.BLAS blas, Path library) {
            this.blas = blas;
            this.library = library;
        }

        /**
         * The system BLAS, or null when there is none that loads; with {@code anyBlas} false only
         * an OpenBLAS (other libblas.so.3 builds, e.g. the reference BLAS, can be ten times slower).
         */
        static Backend load(boolean anyBlas) {
            Path library = null;
            for (Path p : SYSTEM_BLAS) {
                if (Files.exists(p)) {
                    try {
                        library = p.toRealPath();
                    } catch (IOException e) {
                        library = p;
                    }
                    break;
                }
            }
            if (library == null || (!anyBlas && !library.toString().toLowerCase(Locale.ROOT).contains("openblas"))) {
                return null;
            }
            try {
                return new SystemOpenBlas(dev.ludovic.netlib.blas.NativeBLAS.getInstance(), library);
            } catch (RuntimeException | LinkageError e) {
                return null; // no usable native binding: fall back
            }
        }

        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta,
                         float[] c, int ldc) {
            // row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: swap the operands
            blas.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha, b, ldb, a, lda, beta, c, ldc);
        }

        @Override
        public String describe() {
            return "system OpenBLAS" + version(library) + " (" + library + ")";
        }

        @Override
        public String library() {
            return library.toString();
        }

        /** " 0.3.21" from the library's own file name or a sibling's (Debian: libopenblasp-r0.3.21.so), else "". */
        private static String version(Path library) {
            java.util.regex.Pattern release = java.util.regex.Pattern.compile("-r(\\d+\\.\\d+\\.\\d+)\\.so");
            java.util.regex.Matcher own = release.matcher(library.getFileName().toString());
            if (own.find()) {
                return " " + own.group(1);
            }
            try (java.util.stream.Stream<Path> siblings = Files.list(library.getParent())) {
                return siblings.map(p -> release.matcher(p.getFileName().toString())).filter(java.util.regex.Matcher::find)
                        .map(m -> " " + m.group(1)).findFirst().orElse("");
            } catch (IOException | RuntimeException e) {
                return "";
            }
        }
    }
}
