package io.losslake.spark.cli;

import io.losslake.common.Catalog;
import io.losslake.common.Descriptor;
import io.losslake.common.Param;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A command's flags for every option a kind of extension declares (strategies' {@code --mu},
 * schemes' {@code --alpha}, ...), generated from the descriptors, with their help text and a
 * footer listing each extension: nothing about an extension is restated in a command.
 */
final class ExtensionOptions {
    private ExtensionOptions() {
    }

    /** Adds one string-valued flag per option key of {@code catalog} to {@code spec}, and the footer. */
    static <D extends Descriptor> void add(CommandSpec spec, Catalog<D> catalog, String footerTitle) {
        for (Map.Entry<String, List<D>> e : catalog.byOption().entrySet()) {
            String key = e.getKey();
            Param<?> first = Catalog.paramOf(e.getValue().get(0), key);
            String takers = e.getValue().stream().map(d -> {
                String def = Catalog.paramOf(d, key).defaultText();
                return d.name() + (def == null ? "" : " (default " + def + ")");
            }).collect(Collectors.joining(", "));
            spec.addOption(OptionSpec.builder("--" + key).type(String.class).paramLabel(key.toUpperCase(java.util.Locale.ROOT).replace('-', '_'))
                    .description(first.help() + ": " + takers + ".").build());
        }
        List<String> footer = new ArrayList<>(List.of("", footerTitle));
        for (D d : catalog.all()) {
            String options = d.params().stream().map(p -> p.flag() + (p.defaultText() == null ? " <" + p.key() + ">" : " " + p.defaultText()))
                    .collect(Collectors.joining(" "));
            footer.add(String.format("  %-14s %s", d.name(), d.summary()));
            if (!options.isEmpty()) {
                footer.add(String.format("  %-14s %s", "", options));
            }
        }
        footer.add("");
        footer.addAll(List.of(spec.usageMessage().footer()));
        spec.usageMessage().footer(footer.toArray(String[]::new));
    }

    /** The extension options the user gave (on the command line or in a config file), key to text. */
    static Map<String, String> given(CommandSpec spec, Catalog<?> catalog) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : catalog.byOption().keySet()) {
            OptionSpec option = spec.findOption("--" + key);
            Object value = option == null ? null : option.getValue();
            if (value != null) {
                out.put(key, value.toString());
            }
        }
        return out;
    }
}
