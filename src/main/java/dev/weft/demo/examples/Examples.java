package dev.weft.demo.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * {@code ./weft example}: lists Kamaelia's classic shapes ported to Weft's components, and runs one by name.
 *
 * <p><b>The convention</b> (how an example is found): a public top-level class in this package with a
 * {@code public static void main(String[])} is an example; its name on the command line is the class's simple name in
 * kebab case ({@code FortuneServer} is {@code fortune-server}); its one-line description is its
 * {@code public static final String DESCRIPTION}. Classes without such a {@code main} (helpers) are not listed; one
 * without a {@code DESCRIPTION} is listed with a note saying so. Nothing needs registering: the classes are found by
 * scanning this package's directory (or jar) on the class path, so a new example shows up once it is compiled. Keep
 * an example's static initialisation cheap: listing reads {@code DESCRIPTION}, which initialises the class.
 *
 * <p>{@code ./weft example} (or {@code --list}) prints the list; {@code ./weft example NAME [args]} runs that class's
 * {@code main} with the args (the class's simple name is accepted too); an unknown name prints one line naming the
 * valid ones and exits with status 2.
 */
public final class Examples {
    /** The package the examples live in. */
    static final String PACKAGE = Examples.class.getPackageName();

    private Examples() {
    }

    /** One example: its command-line name, its class and its description. */
    record Example(String name, Class<?> type, String description) {
    }

    /** Lists the examples, or runs the one named by the first argument with the rest. */
    public static void main(String[] args) throws Throwable {
        List<Example> examples = list();
        if (args.length == 0 || args[0].equals("--list") || args[0].equals("list")) {
            printList(examples, System.out);
            return;
        }
        if (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            System.out.println("usage: ./weft example [NAME [args...]]: with no NAME, the list of examples");
            printList(examples, System.out);
            return;
        }
        Optional<Example> example = find(examples, args[0]);
        if (example.isEmpty()) {
            System.err.println(unknown(args[0], examples));
            System.exit(2);
            return;
        }
        MethodHandle main = MethodHandles.lookup().findStatic(example.get().type(), "main",
                MethodType.methodType(void.class, String[].class));
        main.invokeExact(Arrays.copyOfRange(args, 1, args.length));
    }

    /** The one-line error for an unknown name, listing the valid ones. */
    static String unknown(String name, List<Example> examples) {
        return "weft: no example named '" + name + "'; the examples are: "
                + String.join(", ", examples.stream().map(Example::name).toList());
    }

    /** Prints {@code usage}, then one line per example: its name and description, in name order. */
    static void printList(List<Example> examples, PrintStream out) {
        int width = examples.stream().mapToInt(e -> e.name().length()).max().orElse(0) + 2;
        out.println("./weft example NAME [args]   runs one of these (sources in src/main/java/"
                + PACKAGE.replace('.', '/') + "/):");
        for (Example e : examples) {
            out.println("  " + e.name() + " ".repeat(width - e.name().length()) + e.description());
        }
        if (examples.isEmpty()) {
            out.println("  (none found: is " + PACKAGE + " compiled onto the class path?)");
        }
    }

    /** The example called {@code name}: its kebab-case name (any letter case) or its class's simple name. */
    static Optional<Example> find(List<Example> examples, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return examples.stream()
                .filter(e -> e.name().equals(wanted) || e.type().getSimpleName().equals(name))
                .findFirst();
    }

    /** Every example in this package on the class path, in name order. */
    static List<Example> list() {
        List<Example> out = new ArrayList<>();
        for (String simple : classNames()) {
            Class<?> type;
            try {
                type = Class.forName(PACKAGE + "." + simple, false, Examples.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                continue; // a class file this loader cannot load is not an example we can run
            }
            if (type == Examples.class || !Modifier.isPublic(type.getModifiers()) || !hasMain(type)) {
                continue;
            }
            out.add(new Example(kebab(simple), type, description(type)));
        }
        out.sort(Comparator.comparing(Example::name));
        return out;
    }

    private static boolean hasMain(Class<?> type) {
        try {
            Method m = type.getMethod("main", String[].class);
            return Modifier.isStatic(m.getModifiers()) && m.getReturnType() == void.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static String description(Class<?> type) {
        try {
            Field f = type.getField("DESCRIPTION");
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && f.get(null) instanceof String s) {
                return s;
            }
        } catch (NoSuchFieldException | IllegalAccessException e) {
            // falls through to the note
        }
        return "(no DESCRIPTION field in " + type.getSimpleName() + ")";
    }

    /** The simple names of the top-level classes in this package's directory or jar entry. */
    private static List<String> classNames() {
        URL here = Examples.class.getResource(Examples.class.getSimpleName() + ".class");
        if (here == null) {
            return List.of();
        }
        try {
            return switch (here.getProtocol()) {
                case "file" -> {
                    try (Stream<Path> files = Files.list(Path.of(here.toURI()).getParent())) {
                        yield files.map(p -> p.getFileName().toString()).flatMap(n -> topLevelClass(n).stream())
                                .toList();
                    }
                }
                case "jar" -> {
                    JarURLConnection c = (JarURLConnection) here.openConnection();
                    c.setUseCaches(false);
                    String dir = PACKAGE.replace('.', '/') + "/";
                    try (JarFile jar = c.getJarFile()) {
                        yield jar.stream().map(JarEntry::getName)
                                .filter(n -> n.startsWith(dir) && n.indexOf('/', dir.length()) < 0)
                                .flatMap(n -> topLevelClass(n.substring(dir.length())).stream()).toList();
                    }
                }
                default -> List.of();
            };
        } catch (IOException e) {
            throw new UncheckedIOException("could not list the examples in " + here, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("could not list the examples in " + here, e);
        }
    }

    private static Optional<String> topLevelClass(String fileName) {
        if (!fileName.endsWith(".class") || fileName.contains("$") || fileName.equals("package-info.class")) {
            return Optional.empty();
        }
        return Optional.of(fileName.substring(0, fileName.length() - ".class".length()));
    }

    /** {@code FortuneServer} to {@code fortune-server}; a run of capitals is one word ({@code TCPChat}: tcp-chat). */
    static String kebab(String simpleName) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < simpleName.length(); i++) {
            char c = simpleName.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                char before = simpleName.charAt(i - 1);
                boolean nextLower = i + 1 < simpleName.length() && Character.isLowerCase(simpleName.charAt(i + 1));
                if (!Character.isUpperCase(before) || nextLower) {
                    b.append('-');
                }
            }
            b.append(Character.toLowerCase(c));
        }
        return b.toString();
    }
}
