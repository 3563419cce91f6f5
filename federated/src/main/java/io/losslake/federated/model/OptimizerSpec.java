package io.losslake.federated.model;

import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * A client's local optimiser. Its state (momentum, Adam moments) starts fresh every round, as in
 * FedAvg's reference setting; only the weights travel.
 *
 * @param name         {@code sgd}, {@code nesterov} (SGD with Nesterov momentum, DL4J's only
 *                     momentum form), {@code momentum} (heavy-ball SGD as PyTorch's
 *                     {@code SGD(momentum=mu)}: v = mu v + g, w -= lr v; fused trainer only) or
 *                     {@code adam}
 * @param learningRate step size, positive
 * @param momentum     momentum for {@code nesterov} and {@code momentum}, in [0, 1); ignored otherwise
 */
public record OptimizerSpec(String name, double learningRate, double momentum) implements java.io.Serializable {
    public static final List<String> NAMES = List.of("sgd", "nesterov", "momentum", "adam");

    public OptimizerSpec {
        name = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("Invalid --optimizer '" + name + "': expected one of " + String.join(", ", NAMES) + ".");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("Invalid --lr " + learningRate + ": expected a positive learning rate.");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("Invalid --momentum " + momentum + ": expected a value in [0, 1).");
        }
    }

    /** Whether DL4J can train with this optimiser (it has no heavy-ball momentum). */
    public boolean dl4jTrainable() {
        return !"momentum".equals(name);
    }

    /**
     * The DL4J updater this spec stands for. Heavy-ball {@code momentum} has none: its networks get
     * plain Sgd and serve inference only (training them through DL4J is refused, see
     * {@link #dl4jTrainable()}).
     */
    public IUpdater toUpdater() {
        return switch (name) {
            case "sgd", "momentum" -> new Sgd(learningRate);
            case "nesterov" -> new Nesterovs(learningRate, momentum);
            case "adam" -> new Adam(learningRate);
            default -> throw new IllegalStateException(name);
        };
    }

    @Override
    public String toString() {
        return name + "(lr=" + learningRate + ("nesterov".equals(name) || "momentum".equals(name) ? ", momentum=" + momentum : "") + ")";
    }
}
