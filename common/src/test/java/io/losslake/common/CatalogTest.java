package io.losslake.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.losslake.common.fixtures.Farewell;
import io.losslake.common.fixtures.Greeting;
import io.losslake.common.fixtures.Hello;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogTest {
    @Test
    void findsEveryPublicNoArgumentImplementationInThePackageInListingOrder() {
        Catalog<Greeting> catalog = Catalog.of(Greeting.class);
        assertThat(catalog.names()).containsExactly("hello", "bye");
        assertThat(catalog.byName("HELLO")).isInstanceOf(Hello.class);
        assertThat(catalog.byName("bye")).isInstanceOf(Farewell.Descriptor.class);
        assertThat(catalog.contains("hidden")).isFalse();
        assertThat(catalog.contains("with-arguments")).isFalse();
        assertThatThrownBy(() -> catalog.byName("howdy")).hasMessage("Invalid --greeting 'howdy': expected one of hello, bye.");
        Map<String, List<Greeting>> byOption = catalog.byOption();
        assertThat(byOption.keySet()).containsExactly("times", "tone", "wait");
        assertThat(byOption.get("times")).extracting(Descriptor::name).containsExactly("hello", "bye");
    }

    @Test
    void valuesParseCheckAndDefaultEachOptionAndRefuseOnesTheExtensionDoesNotTake() {
        Greeting hello = Catalog.of(Greeting.class).byName("hello");
        assertThat(hello.greet(Values.of(hello, Map.of()))).isEqualTo("warm hello");
        assertThat(hello.greet(Values.of(hello, Map.of("times", "2", "tone", "COLD")))).isEqualTo("cold hello cold hello");
        assertThat(Values.of(hello, Map.of("times", "3")).effective()).containsExactly(Map.entry("times", "3"), Map.entry("tone", "warm"));
        assertThatThrownBy(() -> Values.of(hello, Map.of("wait", "1"))).hasMessage("--wait does not apply to the hello greeting; it takes --times, --tone.");
        assertThatThrownBy(() -> Values.of(hello, Map.of("times", "x")).get(Hello.TIMES)).hasMessage("Invalid --times 'x': expected a whole number.");
        assertThatThrownBy(() -> Values.of(hello, Map.of("times", "0")).get(Hello.TIMES)).hasMessage("Invalid --times 0: expected a positive count.");
        assertThatThrownBy(() -> Values.of(hello, Map.of("tone", "loud")).get(Hello.TONE)).hasMessage("Invalid --tone 'loud': expected warm or cold.");
        Greeting bye = Catalog.of(Greeting.class).byName("bye");
        assertThatThrownBy(() -> bye.greet(Values.of(bye, Map.of()))).hasMessage("The bye greeting needs --wait.");
        assertThat(bye.greet(Values.of(bye, Map.of("wait", "1e-3")))).isEqualTo("bye after 0.001");
    }

    @Test
    void findsTheSameExtensionsWhenThePackageLivesInAJar(@TempDir Path dir) throws Exception {
        // common's classes and the fixtures in one jar, loaded by a loader that cannot see the test class path
        Path jar = dir.resolve("catalog.jar");
        Path classes = Path.of(Catalog.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path testClasses = Path.of(Greeting.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            add(out, classes, classes.resolve("io/losslake/common"));
            add(out, testClasses, testClasses.resolve("io/losslake/common/fixtures"));
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> greeting = loader.loadClass("io.losslake.common.fixtures.Greeting");
            Class<?> catalogClass = loader.loadClass("io.losslake.common.Catalog");
            assertThat(catalogClass).isNotSameAs(Catalog.class);
            Object catalog = catalogClass.getMethod("of", Class.class).invoke(null, greeting);
            Method names = catalogClass.getMethod("names");
            assertThat(names.invoke(catalog)).isEqualTo(List.of("hello", "bye"));
        }
    }

    private static void add(JarOutputStream out, Path root, Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
                try (OutputStream sink = new java.io.FilterOutputStream(out) {
                    @Override
                    public void close() {
                        // keep the jar open
                    }
                }) {
                    Files.copy(f, sink);
                }
                out.closeEntry();
            }
        }
    }
}
