package dev.weft.flow;

import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The type of a piece of data in a data flow, as DFFML's {@code Definition}: a name that operations' inputs and
 * outputs refer to, a free-text primitive ({@code "int"}, {@code "string"}, {@code "map"}, …, never checked by the
 * engine), and optionally a default value, a lock flag and a validate function.
 *
 * <ul>
 *   <li>{@linkplain #lock() lock}: an input of this definition, or any input that has one among its ancestors, is
 *       used by at most one operation at a time (Weft takes such inputs through ordered lock sets, so this cannot
 *       deadlock).</li>
 *   <li>{@linkplain #validate() validate}: applied to every value when an {@link Input} is made; its result becomes
 *       the value, and what it throws propagates to whoever makes the input.</li>
 *   <li>{@linkplain #defaultValue() default}: used for an operation input with no matching input in the context.</li>
 * </ul>
 *
 * <p>Equality is DFFML's: two definitions are equal when their {@link #export() exported} forms are (name, primitive,
 * default, lock, spec, subspec); the validate function and the validator are not part of it. Instances are immutable and thread safe if the default
 * value and the validate function are.
 *
 * @param <T> the Java type of values ({@code Object} where a flow is untyped, as one loaded from a file)
 */
public final class Definition<T> {
    private final String name;
    private final String primitive;
    private final boolean hasDefault;
    private final T defaultValue;
    private final boolean lock;
    private final UnaryOperator<T> validate;
    private final String validator;
    private final Class<? extends Record> spec;
    private final boolean subspec;

    private Definition(String name, String primitive, boolean hasDefault, T defaultValue, boolean lock,
                       UnaryOperator<T> validate, String validator, Class<? extends Record> spec, boolean subspec) {
        this.name = Objects.requireNonNull(name, "definition name");
        this.primitive = Objects.requireNonNull(primitive, () -> "primitive of definition '" + name + "'");
        if (name.isBlank()) {
            throw new IllegalArgumentException("definition name must be non-blank");
        }
        this.hasDefault = hasDefault;
        this.defaultValue = defaultValue;
        this.lock = lock;
        this.validate = validate;
        this.validator = validator;
        this.spec = spec;
        this.subspec = subspec;
    }

    /** A definition without default, lock or validation. */
    public static <T> Definition<T> of(String name, String primitive) {
        return new Definition<>(name, primitive, false, null, false, null, null, null, false);
    }

    /** This definition with a default value (which may be null). */
    public Definition<T> withDefault(T value) {
        return new Definition<>(name, primitive, true, value, lock, validate, validator, spec, subspec);
    }

    /** This definition with the lock flag set. */
    public Definition<T> locked() {
        return new Definition<>(name, primitive, hasDefault, defaultValue, true, validate, validator, spec, subspec);
    }

    /** This definition with a validate function applied to every value of an {@link Input} made of it. */
    public Definition<T> withValidate(UnaryOperator<T> validate) {
        return new Definition<>(name, primitive, hasDefault, defaultValue, lock, Objects.requireNonNull(validate),
                validator, spec, subspec);
    }

    /**
     * This definition validated by a validator operation: DFFML's {@code validate} given as an instance name. An
     * input of this definition that did not come out of that validator does not enter its context's store; the
     * orchestrator runs the validator on it (instance {@code instance}, which must be an operation of the data flow
     * with {@link Operation#validator()} set and exactly one input), and the validator's outputs enter instead.
     */
    public Definition<T> withValidator(String instance) {
        return new Definition<>(name, primitive, hasDefault, defaultValue, lock, validate,
                Objects.requireNonNull(instance, "validator instance"), spec, subspec);
    }

    /**
     * This definition with a record type as its spec, as DFFML's {@code spec}: a {@code Map} value (as read from a
     * data flow file) becomes a {@code spec} record, by component name, when an {@link Input} is made; with
     * {@code subspec}, the value is a list or a map of such records and each element is converted. Values already of
     * the right type are kept. A value that does not fit throws {@link FlowException} naming the definition and the
     * field (DFFML's PrimitiveDoesNotMatchValue).
     */
    public Definition<T> withSpec(Class<? extends Record> spec, boolean subspec) {
        return new Definition<>(name, primitive, hasDefault, defaultValue, lock, validate, validator,
                Objects.requireNonNull(spec, "spec"), subspec);
    }

    /** The spec record type, if any. */
    public Optional<Class<? extends Record>> spec() {
        return Optional.ofNullable(spec);
    }

    /** Whether the value is a list or map of {@link #spec()} records. */
    public boolean subspec() {
        return subspec;
    }

    /** {@code value} converted as {@link #withSpec} describes; the value itself without a spec. */
    Object convert(Object value) {
        if (spec == null || value == null) {
            return value;
        }
        if (!subspec) {
            return toRecord(value, "");
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(toRecord(list.get(i), "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, toRecord(v, "[" + k + "]")));
            return Collections.unmodifiableMap(out);
        }
        throw new FlowException("definition '" + name + "' has a subspec: its value must be a list or a map of "
                + spec.getSimpleName() + ", got " + value.getClass().getSimpleName() + " " + value);
    }

    private Object toRecord(Object value, String where) {
        if (spec.isInstance(value)) {
            return value;
        }
        if (!(value instanceof Map<?, ?> fields)) {
            throw new FlowException("value" + where + " of definition '" + name + "' must be a " + spec.getSimpleName()
                    + " or a map of its fields, got " + value);
        }
        RecordComponent[] components = spec.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            String field = components[i].getName();
            types[i] = components[i].getType();
            if (!fields.containsKey(field)) {
                throw new FlowException("value" + where + " of definition '" + name + "' lacks field '" + field
                        + "' of " + spec.getSimpleName() + ": " + value);
            }
            args[i] = coerce(fields.get(field), types[i], where + "." + field);
        }
        try {
            var ctor = spec.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            throw new FlowException("value" + where + " of definition '" + name + "' was refused by "
                    + spec.getSimpleName() + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new FlowException("cannot make a " + spec.getSimpleName() + " for definition '" + name + "': " + e, e);
        }
    }

    /** JSON numbers arrive as Integer, Long or Double: widen or narrow them to the component's numeric type. */
    private Object coerce(Object v, Class<?> type, String where) {
        if (v instanceof Number n) {
            if (type == int.class || type == Integer.class) {
                return n.intValue();
            } else if (type == long.class || type == Long.class) {
                return n.longValue();
            } else if (type == double.class || type == Double.class) {
                return n.doubleValue();
            } else if (type == float.class || type == Float.class) {
                return n.floatValue();
            }
        }
        if (v == null && type.isPrimitive()) {
            throw new FlowException("field" + where + " of definition '" + name + "' is null but " + type + " is not");
        }
        Class<?> boxed = type.isPrimitive() ? MethodType.methodType(type).wrap().returnType() : type;
        if (v != null && !boxed.isInstance(v)) {
            throw new FlowException("field" + where + " of definition '" + name + "' must be " + type.getSimpleName()
                    + ", got " + v.getClass().getSimpleName() + " " + v + " (DFFML's PrimitiveDoesNotMatchValue)");
        }
        return v;
    }

    /** The validator operation's instance name, if one was given with {@link #withValidator(String)}. */
    public Optional<String> validator() {
        return Optional.ofNullable(validator);
    }

    /** The name operations refer to. */
    public String name() {
        return name;
    }

    /** The free-text primitive. */
    public String primitive() {
        return primitive;
    }

    /** The default value, if one was given ({@code Optional.empty()} also for a null default: see {@link #hasDefault()}). */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** Whether a default was given. */
    public boolean hasDefault() {
        return hasDefault;
    }

    T rawDefault() {
        return defaultValue;
    }

    /** Whether inputs of this definition are used by one operation at a time. */
    public boolean lock() {
        return lock;
    }

    /** The validate function, if any. */
    public Optional<UnaryOperator<T>> validate() {
        return Optional.ofNullable(validate);
    }

    /** DFFML's exported form: {@code name}, {@code primitive}, and {@code default} / {@code lock} when set. */
    public Map<String, Object> export() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("primitive", primitive);
        if (hasDefault) {
            m.put("default", defaultValue);
        }
        if (lock) {
            m.put("lock", true);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Definition<?> d && name.equals(d.name) && primitive.equals(d.primitive)
                && hasDefault == d.hasDefault && Objects.equals(defaultValue, d.defaultValue) && lock == d.lock
                && Objects.equals(spec, d.spec) && subspec == d.subspec;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, primitive, hasDefault, defaultValue, lock);
    }

    /** The name, as DFFML's repr. */
    @Override
    public String toString() {
        return name;
    }
}
