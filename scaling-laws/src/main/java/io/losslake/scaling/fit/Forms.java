package io.losslake.scaling.fit;

import io.losslake.common.Catalog;
import java.util.List;

/** The law forms users fit by name: every {@link LawForm} in this package. */
public final class Forms {
    private static final Catalog<LawForm> CATALOG = Catalog.of(LawForm.class);
    /** Every form name, in listing order. */
    public static final List<String> NAMES = CATALOG.names();

    private Forms() {
    }

    public static Catalog<LawForm> catalog() {
        return CATALOG;
    }

    /** The form named {@code name}, case-insensitive; one sentence listing the choices otherwise. */
    public static LawForm byName(String name) {
        return CATALOG.byName(name);
    }
}
