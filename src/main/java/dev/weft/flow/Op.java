package dev.weft.flow;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a data flow operation: the analogue of DFFML's {@code @op}. {@link Ops} turns such methods into
 * {@link Operation}s with their {@link OperationImplementation}s.
 *
 * {@snippet :
 * final class CalcOps {
 *     @Op(conditions = "is_add", outputs = @Op.Out(key = "sum", definition = "result"))
 *     static Map<String, Object> add(@Op.Def("numbers") List<Integer> numbers) {
 *         return Map.of("sum", numbers.stream().mapToInt(Integer::intValue).sum());
 *     }
 *
 *     @Op
 *     static int square(int x) {           // operation "square": input "square.inputs.x" (int),
 *         return x * x;                    // output "result" of "square.outputs.result" (int), value wrapped
 *     }
 * }
 * DataFlow flow = Ops.addAll(DataFlow.builder(), CalcOps.class).build();
 * }
 *
 * <h2>Derivation (as DFFML's {@code @op})</h2>
 * <ul>
 *   <li><b>Name</b>: {@link #name()}, or else the method's name. DFFML prefixes the module ({@code "module:add"});
 *       Weft does not: names are what a flow file and a registry refer to, and a Java method's class is no stable,
 *       safe name to load by. Give {@link #name()} to namespace an operation.</li>
 *   <li><b>Inputs</b>: one per parameter, named as the parameter (the class must be compiled with {@code javac
 *       -parameters}; Weft's build is), of definition {@code "<name>.inputs.<param>"} unless the parameter carries
 *       {@link Def}. A parameter of type {@link OperationContext} is no input: it receives the run's context (DFFML's
 *       {@code self}). The primitive comes from the parameter's type: {@code int}/{@code long}/{@code short}/{@code
 *       byte} and their boxes → {@code "int"}; {@code double}/{@code float} and boxes → {@code "float"};
 *       {@code String} → {@code "str"}; {@code boolean} → {@code "bool"}; {@code byte[]} → {@code "bytes"};
 *       {@code Map} → {@code "map"}; {@code Collection}/array → {@code "array"}; anything else {@code "object"}.</li>
 *   <li><b>Defaults</b>: Java parameters have none; {@link Default} gives one (it becomes the definition's default,
 *       used when no input matches).</li>
 *   <li><b>Outputs</b>: with no {@link #outputs()} and a non-void return type, one output {@code "result"} of
 *       definition {@code "<name>.outputs.result"} (primitive from the return type), and the returned value is
 *       wrapped as {@code {"result": value}}; a {@code null} return means no outputs. A method returning a
 *       {@code java.util.stream.Stream} gives one output set per element, each wrapped the same way (DFFML's async
 *       generator). With {@link #outputs()}, the method returns a {@code Map} from output key to value, or an
 *       {@code Iterable}/{@code Stream} of such maps (several output sets), or {@code null}. A void method has no
 *       outputs.</li>
 *   <li><b>Definitions by name</b> ({@link Def}, {@link Out#definition()}, {@link #conditions()}): if the declaring
 *       class has a static field of type {@link Definition} with that name, that definition is used as is (with its
 *       primitive, default, lock and validate function); else one is made, with the primitive given explicitly, else
 *       the one derived from a parameter or return type of that name, else {@code "object"} ({@code "bool"} for
 *       conditions). All uses of one name within one {@link Ops} call get the same definition, so the automatic flow
 *       connects them.</li>
 * </ul>
 * Misuse (a bad annotation, two operations of one name, an expand key that is not an output, …) makes {@link Ops}
 * throw {@link IllegalArgumentException} naming the class, the method and what is wrong.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Op {
    /** The operation's name; empty (the default) for the method's name. */
    String name() default "";

    /** Explicit outputs; empty for the derived {@code "result"} output (or none for a void method). */
    Out[] outputs() default {};

    /** Names of boolean definitions that must all be {@code true} in the context for the operation to run. */
    String[] conditions() default {};

    /** Output keys whose iterable values become one input per element. */
    String[] expand() default {};

    /** The stage it runs in. */
    Stage stage() default Stage.PROCESSING;

    /** Attempts in total when it throws (0 and 1 both mean one). */
    int retry() default 0;

    /** Whether it is a validator operation. */
    boolean validator() default false;

    /**
     * The definition of a parameter, by name (see "Definitions by name" on {@link Op}), instead of the derived
     * {@code "<op>.inputs.<param>"}.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface Def {
        /** The definition's name. */
        String value();

        /** Its primitive; empty to derive it. Must be empty when a static field supplies the definition. */
        String primitive() default "";

        /** Whether it is locked. Must be false when a static field supplies the definition (lock the field). */
        boolean lock() default false;
    }

    /**
     * A parameter's default value, as text parsed for the parameter's type: {@code String}, {@code int}/{@code long}/
     * {@code short}/{@code byte}, {@code double}/{@code float}, {@code boolean} (or their boxes), or an {@code enum}
     * constant's name. Other types cannot have a default; a string that does not parse is rejected when {@link Ops}
     * reads the method.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface Default {
        /** The default, as text. */
        String value();
    }

    /** One explicit output: its key and definition. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({})
    @interface Out {
        /** The output key the method's returned map uses. */
        String key();

        /** The definition's name; empty for {@code "<op>.outputs.<key>"}. */
        String definition() default "";

        /** Its primitive; empty to derive it (see "Definitions by name" on {@link Op}). */
        String primitive() default "";

        /** Whether it is locked. */
        boolean lock() default false;
    }
}
