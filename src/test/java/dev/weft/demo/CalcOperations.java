package dev.weft.demo;

import dev.weft.flow.Definition;
import dev.weft.flow.Operation;
import dev.weft.flow.OperationProvider;
import dev.weft.flow.OperationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * DFFML's calc operations ({@code parse_line}, {@code add}, {@code mult}) as an {@link OperationProvider}, so that
 * {@code docs/flows/calc.json} runs with {@code ./weft flow run} and the tests can load calc flows from files.
 *
 * <p>It lives in the test tree (registered in {@code src/test/resources/META-INF/services}), which the launcher puts
 * on its class path: shipped in the library jar, these names would enter every user's default registry. Stateless
 * and thread safe.
 */
public final class CalcOperations implements OperationProvider {
    static final Definition<Object> CALC_STRING = Definition.of("calc_string", "str");
    static final Definition<Object> IS_ADD = Definition.of("is_add", "bool");
    static final Definition<Object> IS_MULT = Definition.of("is_mult", "bool");
    static final Definition<Object> NUMBERS = Definition.of("numbers", "List[int]");
    static final Definition<Object> RESULT = Definition.of("result", "int");

    /** {@code parse_line}: the numbers in a line, and whether it asks to add or to multiply. */
    public static final Operation PARSE_LINE = Operation.builder("parse_line").input("line", CALC_STRING)
            .output("add", IS_ADD).output("mult", IS_MULT).output("numbers", NUMBERS).build();
    /** {@code add}: the sum of the numbers, when {@code is_add}. */
    public static final Operation ADD = Operation.builder("add").input("numbers", NUMBERS).output("sum", RESULT)
            .condition(IS_ADD).build();
    /** {@code mult}: the product of the numbers, when {@code is_mult}. */
    public static final Operation MULT = Operation.builder("mult").input("numbers", NUMBERS)
            .output("product", RESULT).condition(IS_MULT).build();

    /** For {@link java.util.ServiceLoader}. */
    public CalcOperations() {
    }

    @Override
    public List<OperationRegistry.Entry> operations() {
        return List.of(
                OperationRegistry.Entry.of(PARSE_LINE, (ctx, in) -> {
                    String line = (String) in.get("line");
                    List<Integer> numbers = new ArrayList<>();
                    for (String word : line.split(" ")) {
                        if (!word.isEmpty() && word.chars().allMatch(Character::isDigit)) {
                            numbers.add(Integer.parseInt(word));
                        }
                    }
                    return Map.of("add", line.contains("add"), "mult", line.contains("mult"), "numbers", numbers);
                }),
                OperationRegistry.Entry.of(ADD, (ctx, in) -> {
                    long sum = 0;
                    for (Object n : (List<?>) in.get("numbers")) {
                        sum += ((Number) n).longValue();
                    }
                    return Map.of("sum", narrow(sum));
                }),
                OperationRegistry.Entry.of(MULT, (ctx, in) -> {
                    long product = 1;
                    for (Object n : (List<?>) in.get("numbers")) {
                        product = Math.multiplyExact(product, ((Number) n).longValue());
                    }
                    return Map.of("product", narrow(product));
                }));
    }

    /** An int where it fits, as JSON numbers read back. */
    private static Number narrow(long n) {
        if (n == (int) n) {
            return Integer.valueOf((int) n); // not a ?: expression, which would promote both sides to long
        }
        return Long.valueOf(n);
    }
}
