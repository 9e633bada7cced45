package dev.weft.flow;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Turns {@link Op}-annotated methods into {@link Operation}s and {@link OperationImplementation}s (DFFML's
 * {@code func.op} and {@code func.imp}); see {@link Op} for how names, inputs, outputs and definitions are derived.
 *
 * {@snippet :
 * DataFlow flow = Ops.addAll(DataFlow.builder(), new CalcOps())   // its static and instance @Op methods
 *         .operation(Outputs.getSingle(), Outputs.GET_SINGLE)
 *         .seed(Input.of(List.of("result"), Outputs.GET_SINGLE_SPEC))
 *         .build();
 * }
 *
 * <p>Only the methods declared by the class itself are read (not inherited ones), in the order of their names
 * (then parameter counts), so the result does not depend on reflection order. The implementation calls the method
 * through a {@link MethodHandle} (no reflection per call); the method may block freely, as it runs on a virtual
 * thread. What the method throws is what the run sees (not an {@code InvocationTargetException}): it becomes the
 * cause of the {@link OperationException}. A parameter value of the wrong type (or {@code null} for a primitive
 * parameter) fails the run with an {@link IllegalArgumentException} naming the operation, the input, the expected
 * type and the value, before the method is called.
 *
 * <p>Access: the methods and {@link Definition} fields may be private. On the class path nothing more is needed. On
 * the module path, either open the package to {@code dev.weft}, or pass a full-privilege lookup from the class's
 * module ({@code Ops.of(target, MethodHandles.lookup())}).
 *
 * <p>Stateless and thread safe; the implementations it makes are thread safe if the methods are (an instance
 * method's implementation calls the one object it was made with, from every run).
 */
public final class Ops {
    private Ops() {
    }

    /**
     * One {@link Op} method as an operation and its implementation.
     *
     * @param operation      the operation (no instance name set: a data flow gives it its key)
     * @param implementation calls the method
     */
    public record Bound(Operation operation, OperationImplementation implementation) {
        /** Checks both are present. */
        public Bound {
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(implementation, "implementation");
        }
    }

    /**
     * The static {@link Op} methods of {@code type}.
     *
     * @throws IllegalArgumentException if {@code type} has no {@code @Op} method, has an instance {@code @Op} method
     *                                  (use {@link #of(Object)}), or an annotation is wrong; the message names the
     *                                  class, the method and what is wrong
     */
    public static List<Bound> of(Class<?> type) {
        return read(type, null, MethodHandles.lookup());
    }

    /**
     * The static and instance {@link Op} methods of {@code target}'s class, instance methods bound to
     * {@code target}. A {@code Class} argument means {@link #of(Class)}.
     *
     * @throws IllegalArgumentException as {@link #of(Class)} (except for instance methods)
     */
    public static List<Bound> of(Object target) {
        return of(target, MethodHandles.lookup());
    }

    /**
     * As {@link #of(Object)}, with {@code lookup} to access the class's members (a full-privilege lookup from the
     * class's module, for a package not opened to {@code dev.weft}).
     *
     * @throws IllegalArgumentException as {@link #of(Class)}, or if {@code lookup} cannot access the class
     */
    public static List<Bound> of(Object target, MethodHandles.Lookup lookup) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(lookup, "lookup");
        return target instanceof Class<?> c ? read(c, null, lookup) : read(target.getClass(), target, lookup);
    }

    /**
     * Adds every {@link Op} method of {@code target} (an object, or a class for its static methods) to
     * {@code builder}, each operation under its name with its implementation.
     *
     * @return {@code builder}
     * @throws IllegalArgumentException as {@link #of(Object)}
     * @throws FlowException            if an operation's name is already an instance of the builder
     */
    public static DataFlow.Builder addAll(DataFlow.Builder builder, Object target) {
        Objects.requireNonNull(builder, "builder");
        for (Bound b : of(target)) {
            builder.operation(b.operation(), b.implementation());
        }
        return builder;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** How a method's return value becomes outputs. */
    private enum Shape { NONE, WRAP, WRAP_EACH, AS_IS }

    private record Param(String name, Class<?> type, boolean context, String definition) {
    }

    private record OutPlan(String key, String definition) {
    }

    private record Plan(Method method, String name, List<Param> params, List<OutPlan> outputs, Shape shape) {
    }

    /** What the methods of one call say about one definition name; resolved once all were read. */
    private static final class DefUse {
        final String name;
        Definition<?> field;
        String fieldName;
        final Set<String> explicit = new LinkedHashSet<>();
        final List<String> derived = new ArrayList<>();
        boolean lock;
        boolean condition;
        boolean hasDefault;
        Object defaultValue;
        String defaultWhere;
        final List<String> where = new ArrayList<>();

        DefUse(String name) {
            this.name = name;
        }
    }

    private static List<Bound> read(Class<?> type, Object target, MethodHandles.Lookup given) {
        List<Method> methods = new ArrayList<>();
        for (Method m : type.getDeclaredMethods()) {
            if (m.isAnnotationPresent(Op.class) && !m.isBridge() && !m.isSynthetic()) {
                methods.add(m);
            }
        }
        if (methods.isEmpty()) {
            throw new IllegalArgumentException(type.getName() + " declares no @Op method");
        }
        methods.sort(Comparator.comparing(Method::getName).thenComparingInt(Method::getParameterCount)
                .thenComparing(Method::toString));
        MethodHandles.Lookup lookup = access(type, given);
        Map<String, Definition<?>> fields = definitionFields(type, lookup);
        Map<String, DefUse> uses = new LinkedHashMap<>();
        List<Plan> plans = new ArrayList<>();
        Map<String, Method> names = new HashMap<>();
        for (Method m : methods) {
            if (target == null && !Modifier.isStatic(m.getModifiers())) {
                throw bad(m, "is an instance method; read it with Ops.of(object), not Ops.of(Class)");
            }
            if (Modifier.isAbstract(m.getModifiers())) {
                throw bad(m, "is abstract");
            }
            Plan p = plan(m, fields, uses);
            Method other = names.putIfAbsent(p.name(), m);
            if (other != null) {
                throw bad(m, "has operation name '" + p.name() + "', which " + describe(other) + " has too");
            }
            plans.add(p);
        }
        Map<String, Definition<?>> defs = new HashMap<>();
        for (DefUse u : uses.values()) {
            defs.put(u.name, resolve(type, u));
        }
        List<Bound> out = new ArrayList<>();
        for (Plan p : plans) {
            out.add(new Bound(operation(p, defs), implementation(p, lookup, target)));
        }
        return List.copyOf(out);
    }

    private static MethodHandles.Lookup access(Class<?> type, MethodHandles.Lookup given) {
        Module weft = Ops.class.getModule();
        if (weft.isNamed() && !weft.canRead(type.getModule())) {
            weft.addReads(type.getModule());
        }
        try {
            return MethodHandles.privateLookupIn(type, given);
        } catch (IllegalAccessException | SecurityException e) {
            throw new IllegalArgumentException("cannot access the @Op methods of " + type.getName() + ": open its "
                    + "package to module dev.weft, or pass MethodHandles.lookup() from its module to Ops.of (" + e
                    .getMessage() + ")", e);
        }
    }

    private static Map<String, Definition<?>> definitionFields(Class<?> type, MethodHandles.Lookup lookup) {
        Map<String, Definition<?>> byName = new HashMap<>();
        Map<String, String> fieldOf = new HashMap<>();
        for (Field f : type.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || !Definition.class.isAssignableFrom(f.getType())) {
                continue;
            }
            Definition<?> d;
            try {
                d = (Definition<?>) lookup.unreflectGetter(f).invoke();
            } catch (Throwable e) {
                throw new IllegalArgumentException(type.getName() + ": cannot read static Definition field '"
                        + f.getName() + "': " + e, e);
            }
            if (d == null) {
                continue; // not initialised (yet): not a definition this class offers
            }
            String before = fieldOf.putIfAbsent(d.name(), f.getName());
            if (before != null && !byName.get(d.name()).equals(d)) {
                throw new IllegalArgumentException(type.getName() + ": static fields '" + before + "' and '"
                        + f.getName() + "' hold different definitions named '" + d.name() + "'");
            }
            byName.putIfAbsent(d.name(), d);
        }
        return byName;
    }

    private static Plan plan(Method m, Map<String, Definition<?>> fields, Map<String, DefUse> uses) {
        Op op = m.getAnnotation(Op.class);
        String name = op.name().isEmpty() ? m.getName() : op.name();
        if (name.isBlank()) {
            throw bad(m, "has a blank @Op name");
        }
        if (op.retry() < 0) {
            throw bad(m, "has @Op(retry = " + op.retry() + "); retry must be >= 0");
        }
        List<Param> params = new ArrayList<>();
        for (Parameter p : m.getParameters()) {
            if (!p.isNamePresent()) {
                throw bad(m, "has no parameter names in its class file; compile it with javac -parameters");
            }
            Op.Def def = p.getAnnotation(Op.Def.class);
            Op.Default dflt = p.getAnnotation(Op.Default.class);
            if (p.getType() == OperationContext.class) {
                if (def != null || dflt != null) {
                    throw bad(m, "annotates its OperationContext parameter '" + p.getName()
                            + "' with @Def or @Default; it receives the run's context and is no input");
                }
                params.add(new Param(p.getName(), p.getType(), true, null));
                continue;
            }
            String defName = name + ".inputs." + p.getName();
            String explicit = "";
            boolean lock = false;
            if (def != null) {
                if (def.value().isBlank()) {
                    throw bad(m, "has a blank @Def name on parameter '" + p.getName() + "'");
                }
                defName = def.value();
                explicit = def.primitive();
                lock = def.lock();
            }
            String where = describe(m) + " parameter '" + p.getName() + "'";
            DefUse u = use(uses, fields, defName, explicit, primitive(p.getParameterizedType()), lock, where);
            if (dflt != null) {
                Object value = parseDefault(m, p, dflt.value());
                if (u.hasDefault && !Objects.equals(u.defaultValue, value)) {
                    throw bad(m, "gives parameter '" + p.getName() + "' the default " + value + ", but "
                            + u.defaultWhere + " gives definition '" + defName + "' the default " + u.defaultValue);
                }
                u.hasDefault = true;
                u.defaultValue = value;
                u.defaultWhere = where;
            }
            params.add(new Param(p.getName(), p.getType(), false, defName));
        }
        Class<?> ret = m.getReturnType();
        List<OutPlan> outputs = new ArrayList<>();
        Shape shape;
        if (op.outputs().length > 0) {
            if (ret == void.class) {
                throw bad(m, "declares outputs " + keys(op.outputs()) + " but returns void; return a Map of "
                        + "outputs, an Iterable or Stream of such maps, or null");
            }
            if (!(ret == Object.class || Map.class.isAssignableFrom(ret) || Iterable.class.isAssignableFrom(ret)
                    || Stream.class.isAssignableFrom(ret))) {
                throw bad(m, "declares outputs " + keys(op.outputs()) + " but returns " + ret.getName()
                        + "; with explicit outputs it must return a Map of outputs, an Iterable or Stream of such "
                        + "maps, or null");
            }
            Set<String> seen = new LinkedHashSet<>();
            for (Op.Out o : op.outputs()) {
                if (o.key().isBlank()) {
                    throw bad(m, "has an @Out with a blank key");
                }
                if (!seen.add(o.key())) {
                    throw bad(m, "declares output '" + o.key() + "' twice");
                }
                String defName = o.definition().isEmpty() ? name + ".outputs." + o.key() : o.definition();
                use(uses, fields, defName, o.primitive(), null, o.lock(), describe(m) + " output '" + o.key() + "'");
                outputs.add(new OutPlan(o.key(), defName));
            }
            shape = Shape.AS_IS;
        } else if (ret == void.class || ret == Void.class) {
            shape = Shape.NONE;
        } else {
            boolean each = Stream.class.isAssignableFrom(ret);
            Type t = m.getGenericReturnType();
            String prim = each ? (t instanceof ParameterizedType pt ? primitive(pt.getActualTypeArguments()[0])
                    : "object") : primitive(t);
            String defName = name + ".outputs.result";
            use(uses, fields, defName, "", prim, false, describe(m) + " result");
            outputs.add(new OutPlan("result", defName));
            shape = each ? Shape.WRAP_EACH : Shape.WRAP;
        }
        Set<String> outKeys = new LinkedHashSet<>();
        outputs.forEach(o -> outKeys.add(o.key()));
        for (String e : op.expand()) {
            if (!outKeys.contains(e)) {
                throw bad(m, "expands '" + e + "', which is not one of its outputs " + outKeys);
            }
        }
        for (String c : op.conditions()) {
            if (c.isBlank()) {
                throw bad(m, "has a blank condition name");
            }
            use(uses, fields, c, "", null, false, describe(m) + " condition").condition = true;
        }
        return new Plan(m, name, List.copyOf(params), List.copyOf(outputs), shape);
    }

    private static DefUse use(Map<String, DefUse> uses, Map<String, Definition<?>> fields, String name,
                              String explicit, String derived, boolean lock, String where) {
        DefUse u = uses.computeIfAbsent(name, DefUse::new);
        Definition<?> field = fields.get(name);
        if (field != null) {
            u.field = field;
        }
        if (!explicit.isEmpty()) {
            u.explicit.add(explicit);
        }
        if (derived != null) {
            u.derived.add(derived);
        }
        u.lock |= lock;
        u.where.add(where + (lock ? " (lock)" : "") + (explicit.isEmpty() ? "" : " (primitive " + explicit + ")"));
        return u;
    }

    private static Definition<?> resolve(Class<?> type, DefUse u) {
        if (u.field != null) {
            if (!u.explicit.isEmpty() || u.lock || u.hasDefault) {
                throw new IllegalArgumentException(type.getName() + ": definition '" + u.name + "' is a static "
                        + "Definition field of the class, so its primitive, lock and default are the field's; "
                        + "remove primitive/lock/@Default from " + u.where);
            }
            return u.field;
        }
        if (u.explicit.size() > 1) {
            throw new IllegalArgumentException(type.getName() + ": definition '" + u.name + "' is given different "
                    + "primitives " + u.explicit + " by " + u.where);
        }
        String primitive = !u.explicit.isEmpty() ? u.explicit.iterator().next()
                : !u.derived.isEmpty() ? u.derived.get(0) : u.condition ? "bool" : "object";
        Definition<Object> d = Definition.of(u.name, primitive);
        if (u.hasDefault) {
            d = d.withDefault(u.defaultValue);
        }
        return u.lock ? d.locked() : d;
    }

    private static Operation operation(Plan p, Map<String, Definition<?>> defs) {
        Op op = p.method().getAnnotation(Op.class);
        Operation.Builder b = Operation.builder(p.name()).stage(op.stage()).retry(op.retry());
        for (Param param : p.params()) {
            if (!param.context()) {
                b.input(param.name(), defs.get(param.definition()));
            }
        }
        for (OutPlan o : p.outputs()) {
            b.output(o.key(), defs.get(o.definition()));
        }
        for (String c : op.conditions()) {
            b.condition(defs.get(c));
        }
        for (String e : op.expand()) {
            b.expand(e);
        }
        if (op.validator()) {
            b.validator();
        }
        return b.build();
    }

    private static OperationImplementation implementation(Plan p, MethodHandles.Lookup lookup, Object target) {
        Method m = p.method();
        MethodHandle h;
        try {
            h = lookup.unreflect(m);
        } catch (IllegalAccessException e) {
            throw bad(m, "cannot be accessed: " + e.getMessage());
        }
        if (!Modifier.isStatic(m.getModifiers())) {
            h = h.bindTo(target);
        }
        int n = p.params().size();
        MethodHandle call = h.asType(h.type().generic()).asSpreader(Object[].class, n);
        Param[] params = p.params().toArray(new Param[0]);
        Class<?>[] boxed = new Class<?>[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = box(params[i].type());
        }
        String opName = p.name();
        Shape shape = p.shape();
        return (ctx, inputs) -> {
            Object[] args = new Object[n];
            for (int i = 0; i < n; i++) {
                Param param = params[i];
                if (param.context()) {
                    args[i] = ctx;
                    continue;
                }
                Object v = inputs.get(param.name());
                if (v == null ? param.type().isPrimitive() : !boxed[i].isInstance(v)) {
                    throw new IllegalArgumentException("operation '" + opName + "' input '" + param.name()
                            + "' is of Java type " + param.type().getName() + ", but its value is "
                            + (v == null ? "null" : v.getClass().getName() + " " + v));
                }
                args[i] = v;
            }
            Object returned;
            try {
                returned = (Object) call.invokeExact(args);
            } catch (Exception | Error e) {
                throw e; // the method's own failure, unwrapped
            } catch (Throwable t) {
                throw new UndeclaredThrowableException(t, "operation '" + opName + "' threw " + t);
            }
            return switch (shape) {
                case NONE -> null;
                case AS_IS -> returned;
                case WRAP -> returned == null ? null : Collections.singletonMap("result", returned);
                case WRAP_EACH -> returned == null ? null
                        : ((Stream<?>) returned).map(e -> e == null ? null : Collections.singletonMap("result", e));
            };
        };
    }

    /** DFFML's primitive for a Java type (see {@link Op}). */
    static String primitive(Type t) {
        Class<?> c = t instanceof Class<?> k ? k : t instanceof ParameterizedType pt
                && pt.getRawType() instanceof Class<?> r ? r : Object.class;
        c = box(c);
        if (c == Integer.class || c == Long.class || c == Short.class || c == Byte.class) {
            return "int";
        }
        if (c == Double.class || c == Float.class) {
            return "float";
        }
        if (c == String.class) {
            return "str";
        }
        if (c == Boolean.class) {
            return "bool";
        }
        if (c == byte[].class) {
            return "bytes";
        }
        if (Map.class.isAssignableFrom(c)) {
            return "map";
        }
        if (Collection.class.isAssignableFrom(c) || c.isArray()) {
            return "array";
        }
        return "object";
    }

    private static Class<?> box(Class<?> c) {
        if (!c.isPrimitive()) {
            return c;
        }
        return c == int.class ? Integer.class : c == long.class ? Long.class : c == double.class ? Double.class
                : c == boolean.class ? Boolean.class : c == float.class ? Float.class : c == short.class
                ? Short.class : c == byte.class ? Byte.class : c == char.class ? Character.class : Void.class;
    }

    private static Object parseDefault(Method m, Parameter p, String text) {
        Class<?> c = box(p.getType());
        try {
            if (c == String.class) {
                return text;
            }
            if (c == Integer.class) {
                return Integer.valueOf(text.strip());
            }
            if (c == Long.class) {
                return Long.valueOf(text.strip());
            }
            if (c == Short.class) {
                return Short.valueOf(text.strip());
            }
            if (c == Byte.class) {
                return Byte.valueOf(text.strip());
            }
            if (c == Double.class) {
                return Double.valueOf(text.strip());
            }
            if (c == Float.class) {
                return Float.valueOf(text.strip());
            }
            if (c == Boolean.class) {
                if (!text.strip().equals("true") && !text.strip().equals("false")) {
                    throw new IllegalArgumentException("expected true or false");
                }
                return Boolean.valueOf(text.strip());
            }
            if (c.isEnum()) {
                for (Object constant : c.getEnumConstants()) {
                    if (((Enum<?>) constant).name().equals(text.strip())) {
                        return constant;
                    }
                }
                throw new IllegalArgumentException("no such constant");
            }
        } catch (IllegalArgumentException e) {
            throw bad(m, "has @Default(\"" + text + "\") on parameter '" + p.getName() + "', which is not a "
                    + c.getSimpleName() + " (" + e.getMessage() + ")");
        }
        throw bad(m, "has @Default on parameter '" + p.getName() + "' of type " + p.getType().getName()
                + "; defaults are supported for String, numbers, boolean and enums only");
    }

    private static List<String> keys(Op.Out[] outs) {
        List<String> k = new ArrayList<>();
        for (Op.Out o : outs) {
            k.add(o.key());
        }
        return k;
    }

    private static String describe(Method m) {
        return m.getDeclaringClass().getName() + "." + m.getName() + "("
                + String.join(", ", Stream.of(m.getParameterTypes()).map(Class::getSimpleName).toList()) + ")";
    }

    private static IllegalArgumentException bad(Method m, String what) {
        return new IllegalArgumentException("@Op method " + describe(m) + " " + what);
    }
}
