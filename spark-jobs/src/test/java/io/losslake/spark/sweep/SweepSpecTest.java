package io.losslake.spark.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.losslake.federated.model.ModelSpec;
import io.losslake.federated.simulation.Simulation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweep files read without Spark: the isoflop design's runs, the learning-rate rule, refusals. */
class SweepSpecTest {
    @TempDir
    Path dir;

    private SweepSpec load(String yaml) throws IOException {
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, yaml);
        return SweepSpec.load(file);
    }

    @Test
    void anIsoflopDesignTrainsEachKeptSizeForItsBudgetAtTheRulesRate() throws IOException {
        SweepSpec spec = load("""
                name: s
                dataset: d
                design: isoflop
                compute-budgets: [1e9, 1e10]
                models: [mlp:4, mlp:16, mlp:64, mlp:256]
                examples-per-param: [0.5, 40]
                seeds: [1, 2]
                lr: 0.004
                lr-scaling: {reference-params: 10000, exponent: -0.5}
                schedule: {kind: cosine, final: 0.05}
                """);
        assertThat(spec.schedule().finalFraction()).isEqualTo(0.05);
        List<SweepSpec.SweepRun> runs = spec.runs(784, 10);
        for (SweepSpec.SweepRun r : runs) {
            ModelSpec model = ModelSpec.parse(r.model(), 784, 10);
            long n = model.parameterCount();
            long d = Math.round(r.flopBudget() / Simulation.trainingFlopsPerExample(model));
            assertThat(r.budget()).isEqualTo(d);
            assertThat((double) d / n).isBetween(0.5, 40.0);
            assertThat(r.lr()).isCloseTo(0.004 * Math.pow(n / 10000.0, -0.5), within(1e-15));
        }
        // every (budget, size) the window keeps, and only those, with both seeds
        for (double c : List.of(1e9, 1e10)) {
            for (String m : List.of("mlp:4", "mlp:16", "mlp:64", "mlp:256")) {
                ModelSpec model = ModelSpec.parse(m, 784, 10);
                double ratio = Math.round(c / Simulation.trainingFlopsPerExample(model)) / (double) model.parameterCount();
                long count = runs.stream().filter(r -> r.flopBudget() == c && r.model().equals(m)).count();
                assertThat(count).as(m + " at " + c).isEqualTo(ratio >= 0.5 && ratio <= 40 ? 2 : 0);
            }
        }
        assertThat(runs.stream().map(r -> r.key("d")).distinct().count()).isEqualTo(runs.size());
    }

    @Test
    void badDesignsAreOneSentence() {
        assertThatThrownBy(() -> load("name: s\ndataset: d\ndesign: isoflop\ncompute-budgets: [1e9]\nmodels: [mlp:4]\nexamples-per-param: [1]\n"))
                .hasMessageEndingWith("examples-per-param is [low, high], the window of D / N each budget keeps.");
        assertThatThrownBy(() -> load("name: s\ndataset: d\ndesign: isoflop\ncompute-budgets: [1e9, 1e9]\nmodels: [mlp:4]\n"))
                .hasMessageEndingWith("compute-budgets must be distinct positive numbers of training FLOPs.");
        assertThatThrownBy(() -> load("name: s\ndataset: d\ndesign: lhs\ndata-budgets: [10]\nmodels: [mlp:4]\n"))
                .hasMessageEndingWith("design 'lhs' is not known; expected grid or isoflop.");
        assertThatThrownBy(() -> load("name: s\ndataset: d\ndata-budgets: [10]\nmodels: [mlp:4]\nschedule: linear\n"))
                .hasMessageEndingWith("schedule 'linear' is not known; expected constant, cosine, or {kind: cosine, final: 0.1, warmup: 0}.");
        assertThatThrownBy(() -> load("name: s\ndataset: d\ndata-budgets: [10]\nmodels: [mlp:4]\nlr-scaling: {exponent: -1}\n"))
                .hasMessageContaining("lr-scaling is {reference-params: N0, exponent: e}");
        assertThatThrownBy(() -> load("name: s\ndataset: d\ndata-budgets: [10]\nmodels: [mlp:4]\ncompute-budgets: [1e9]\n"))
                .hasMessageEndingWith("'compute-budgets' belongs to design: isoflop; a grid takes data-budgets.");
    }
}
