package io.losslake.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NormalizerTest {
    @Test
    void standardizeAndMinmaxUseTheTrainingMoments() {
        // feature 0 takes 1, 3 (mean 2, std 1); feature 1 is constant 5
        Normalizer z = Normalizer.fit("standardize", 2, new double[] {4, 10}, new double[] {10, 50}, null, null);
        float[] x = {3, 5};
        z.apply(x);
        assertThat(x[0]).isCloseTo(1f, within(1e-6f));
        assertThat(x[1]).isEqualTo(0f);
        Normalizer m = Normalizer.fit("minmax", 2, null, null, new double[] {1, 5}, new double[] {3, 5});
        float[] y = {2, 5};
        m.apply(y);
        assertThat(y).containsExactly(0.5f, 0f);
        float[] p = {255, 0, 51};
        Normalizer.pixels().apply(p);
        assertThat(p).containsExactly(1f, 0f, 0.2f);
    }

    @Test
    void unknownModesAreNamed() {
        assertThatThrownBy(() -> Normalizer.mode("zscore"))
                .hasMessage("Invalid --normalize 'zscore': expected one of none, pixels, standardize, minmax.");
    }
}
