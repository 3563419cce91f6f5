package io.losslake.data.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FeatureShiftTest {
    private static float[] apply(FeatureShift shift, float[] image, int rows, int cols, long id) {
        float[] out = new float[image.length];
        shift.apply(image, 0, rows, cols, id, out, 0);
        return out;
    }

    @Test
    void aZeroShiftIsTheIdentity() {
        float[] image = {1, 2, 3, 4, 5, 6};
        assertThat(apply(new FeatureShift(0, 0, 0, 1), image, 2, 3, 0)).containsExactly(image);
    }

    @Test
    void rotatesCounterClockwiseAboutTheCentre() {
        // 3x3 with only the top-middle pixel lit: a quarter turn counter-clockwise lights the left-middle one
        float[] image = {0, 1, 0, 0, 0, 0, 0, 0, 0};
        assertThat(apply(new FeatureShift(0, 90, 0, 0), image, 3, 3, 0)).containsExactly(0, 0, 0, 1, 0, 0, 0, 0, 0);
        float[] random = new float[16];
        for (int i = 0; i < 16; i++) {
            random[i] = i * 0.37f;
        }
        float[] turned = random;
        for (int t = 0; t < 4; t++) {
            turned = apply(new FeatureShift(0, 90, 0, 0), turned, 4, 4, 0);
        }
        assertThat(turned).containsExactly(random);
        // the centre of an odd-sized image is the fixed point; an off-centre pixel smears bilinearly
        float[] centre = new float[25];
        centre[12] = 1;
        assertThat(apply(new FeatureShift(0, 10, 0, 0), centre, 5, 5, 0)[12]).isEqualTo(1f);
        float[] offCentre = new float[25];
        offCentre[14] = 1; // row 2, col 4: two pixels right of the centre
        float[] turned10 = apply(new FeatureShift(0, 10, 0, 0), offCentre, 5, 5, 0);
        assertThat(turned10[14]).isLessThan(1f).isGreaterThan(0.6f);
        assertThat(turned10[9]).isPositive(); // row 1, col 4: the pixel above, where a counter-clockwise turn moves it
    }

    @Test
    void brightnessAddsAndNoiseIsFixedPerExampleWithTheRequestedSpread() {
        float[] zeros = new float[10_000];
        float[] bright = apply(new FeatureShift(0, 0, 0.25, 3), zeros, 100, 100, 7);
        assertThat(bright).containsOnly(0.25f);

        FeatureShift noisy = new FeatureShift(0.3, 0, 0, 3);
        float[] a = apply(noisy, zeros, 100, 100, 7);
        float[] again = apply(noisy, zeros, 100, 100, 7);
        float[] other = apply(noisy, zeros, 100, 100, 8);
        assertThat(a).containsExactly(again);
        assertThat(a).isNotEqualTo(other);
        double sumSq = 0;
        for (float v : a) {
            sumSq += v * v;
        }
        assertThat(Math.sqrt(sumSq / a.length)).isCloseTo(0.3, within(0.01));
    }
}
