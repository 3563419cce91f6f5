package io.losslake.common;

import java.util.List;

/**
 * What an extension (a strategy, a partition scheme, a law form) says about itself: the name users
 * choose it by, one line of help, the options it takes and where it is listed. Each kind adds its
 * factory method; {@link Catalog} finds every implementation of a kind, so adding one is adding its
 * file.
 */
public interface Descriptor {
    /** The name users type, lower case, e.g. {@code fedprox}. */
    String name();

    /** One line for the help text: what it is and where it comes from. */
    String summary();

    /** The options it takes; none by default. */
    default List<Param<?>> params() {
        return List.of();
    }

    /** Which kind of extension this is, for messages. */
    Kind kind();

    /** Where it is listed among its kind (ascending, then by name): related ones together. */
    default int order() {
        return 100;
    }

    /**
     * A kind of extension, as messages name it.
     *
     * @param flag        the flag that chooses one, e.g. {@code --strategy}
     * @param noun        what one is called, e.g. {@code strategy}
     * @param optionsNoun what its options are called, e.g. {@code options} or {@code parameters}
     */
    record Kind(String flag, String noun, String optionsNoun) {
    }
}
