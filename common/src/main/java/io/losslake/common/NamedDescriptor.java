package io.losslake.common;

import java.util.List;

/**
 * A descriptor whose name, help line, listing order and options are fixed values, so an
 * extension's descriptor is its constructor's arguments plus its factory method. Subclasses keep a
 * public no-argument constructor for {@link Catalog}.
 */
public abstract class NamedDescriptor implements Descriptor {
    private final String name;
    private final String summary;
    private final int order;
    private final List<Param<?>> params;

    protected NamedDescriptor(String name, String summary, int order, Param<?>... params) {
        this.name = name;
        this.summary = summary;
        this.order = order;
        this.params = List.of(params);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String summary() {
        return summary;
    }

    @Override
    public final int order() {
        return order;
    }

    @Override
    public final List<Param<?>> params() {
        return params;
    }
}
