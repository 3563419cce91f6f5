package io.losslake.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The smallest sweep the tests run: 2 MLP widths x 2 data budgets, 2 checkpoints each, on the lake's synthetic dataset. */
final class TinySweep {
    private TinySweep() {
    }

    /** Writes the sweep file named {@code name} to {@code file} and returns its path. */
    static Path write(Path file, String name) throws IOException {
        return Files.writeString(file, """
                name: %s
                dataset: synthetic
                models: [mlp:4, mlp:8]
                data-budgets: [128, 256]
                checkpoints: 2
                batch-size: 16
                optimizer: adam
                lr: 0.01
                modes: [centralised]
                eval-sets: [test]
                eval-sample: 40
                """.formatted(name));
    }
}
