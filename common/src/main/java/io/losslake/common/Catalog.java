package io.losslake.common;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Every implementation of one kind of {@link Descriptor} found in one package: the classes of that
 * package (in every folder or jar of the class path that holds it) that implement the descriptor
 * type, are public, concrete and have a public no-argument constructor. So a new strategy, scheme or
 * law form is one new file in its package, and the command line, help texts and config keys pick it
 * up. Names must be unique; the listing order is each descriptor's {@link Descriptor#order()}, then
 * its name.
 */
public final class Catalog<D extends Descriptor> {
    private final Class<D> type;
    private final Map<String, D> byName;

    private Catalog(Class<D> type, Map<String, D> byName) {
        this.type = type;
        this.byName = byName;
    }

    /** The implementations of {@code type} in {@code type}'s own package. */
    public static <D extends Descriptor> Catalog<D> of(Class<D> type) {
        return of(type, type.getPackageName());
    }

    /** The implementations of {@code type} in {@code packageName}. */
    public static <D extends Descriptor> Catalog<D> of(Class<D> type, String packageName) {
        ClassLoader loader = type.getClassLoader();
        List<D> found = new ArrayList<>();
        for (String className : classNames(loader, packageName, type.getName().replace('.', '/') + ".class")) {
            Class<?> c;
            try {
                c = Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                continue; // a class the package lists but this loader cannot define is no extension
            }
            if (!type.isAssignableFrom(c) || c.isInterface() || Modifier.isAbstract(c.getModifiers()) || !Modifier.isPublic(c.getModifiers())
                    || c.isAnonymousClass() || c.isLocalClass() || (c.isMemberClass() && !Modifier.isStatic(c.getModifiers()))) {
                continue;
            }
            try {
                Constructor<?> constructor = c.getConstructor();
                found.add(type.cast(constructor.newInstance()));
            } catch (NoSuchMethodException e) {
                continue; // needs arguments: a helper, not a descriptor
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create the " + type.getSimpleName() + " " + c.getName() + ": " + e, e);
            }
        }
        found.sort(Comparator.comparingInt(Descriptor::order).thenComparing(Descriptor::name));
        Map<String, D> byName = new LinkedHashMap<>();
        for (D d : found) {
            D clash = byName.put(d.name(), d);
            if (clash != null) {
                throw new IllegalStateException("two " + type.getSimpleName() + "s are named '" + d.name() + "': " + clash.getClass().getName()
                        + " and " + d.getClass().getName());
            }
        }
        if (byName.isEmpty()) {
            throw new IllegalStateException("no " + type.getSimpleName() + " found in package " + packageName + " of " + loader);
        }
        return new Catalog<>(type, byName);
    }

    /** Every name, in listing order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** Every descriptor, in listing order. */
    public List<D> all() {
        return List.copyOf(byName.values());
    }

    /**
     * The descriptor named {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException one sentence naming the flag, the bad name and the choices
     */
    public D byName(String name) {
        D d = byName.get(name == null ? "" : name.toLowerCase(Locale.ROOT));
        if (d == null) {
            Descriptor.Kind kind = byName.values().iterator().next().kind();
            throw new IllegalArgumentException("Invalid " + kind.flag() + " '" + name + "': expected one of " + String.join(", ", names()) + ".");
        }
        return d;
    }

    public boolean contains(String name) {
        return name != null && byName.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Every option key any descriptor takes, in first-seen listing order, with the descriptors that
     * take it: what a command line offers as flags.
     */
    public Map<String, List<D>> byOption() {
        Map<String, List<D>> out = new LinkedHashMap<>();
        for (D d : byName.values()) {
            for (Param<?> p : d.params()) {
                out.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(d);
            }
        }
        return out;
    }

    /** {@code key}'s declaration in {@code d}, or null when {@code d} does not take it. */
    public static Param<?> paramOf(Descriptor d, String key) {
        return d.params().stream().filter(p -> p.key().equals(key)).findFirst().orElse(null);
    }

    @Override
    public String toString() {
        return type.getSimpleName() + byName.keySet();
    }

    /** Binary names of the top-level and nested classes directly in {@code packageName}, from folders and jars alike. */
    private static TreeSet<String> classNames(ClassLoader loader, String packageName, String kindClassFile) {
        String path = packageName.replace('.', '/');
        TreeSet<String> names = new TreeSet<>();
        Set<String> jarsSeen = new HashSet<>();
        try {
            List<URL> roots = Collections.list(loader.getResources(path));
            // a jar without folder entries lists no package folder: find it through the kind's own class file
            URL own = loader.getResource(kindClassFile);
            if (own != null && own.getProtocol().equals("jar")) {
                roots.add(own);
            }
            for (URL url : roots) {
                switch (url.getProtocol()) {
                    case "file" -> {
                        File[] files = new File(url.toURI()).listFiles((d, n) -> n.endsWith(".class"));
                        for (File f : files == null ? new File[0] : files) {
                            names.add(packageName + "." + f.getName().substring(0, f.getName().length() - ".class".length()));
                        }
                    }
                    case "jar" -> {
                        JarURLConnection connection = (JarURLConnection) url.openConnection();
                        connection.setUseCaches(false);
                        try (JarFile jar = connection.getJarFile()) {
                            if (!jarsSeen.add(jar.getName())) {
                                continue;
                            }
                            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                                String entry = entries.nextElement().getName();
                                if (entry.startsWith(path + "/") && entry.endsWith(".class") && entry.indexOf('/', path.length() + 1) < 0) {
                                    names.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
                                }
                            }
                        }
                    }
                    default -> throw new IllegalStateException("cannot list package " + packageName + " in " + url + " (protocol "
                            + url.getProtocol() + ")");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing package " + packageName + " failed", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("listing package " + packageName + " failed: " + e.getMessage(), e);
        }
        names.removeIf(n -> n.endsWith("package-info") || n.endsWith("module-info"));
        return names;
    }
}
