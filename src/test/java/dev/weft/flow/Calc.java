package dev.weft.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** DFFML's calc flow from its own tests: parse_line, then add (if is_add) or mult (if is_mult), then get_single. */
final class Calc {
    static final Definition<String> CALC_STRING = Definition.of("calc_string", "str");
    static final Definition<Boolean> IS_ADD = Definition.of("is_add", "bool");
    static final Definition<Boolean> IS_MULT = Definition.of("is_mult", "bool");
    static final Definition<List<Integer>> NUMBERS = Definition.of("numbers", "List[int]");
    static final Definition<Integer> RESULT = Definition.of("result", "int");

    static final Operation PARSE_LINE = Operation.builder("parse_line").input("line", CALC_STRING)
            .output("add", IS_ADD).output("mult", IS_MULT).output("numbers", NUMBERS).build();
    static final Operation ADD = Operation.builder("add").input("numbers", NUMBERS).output("sum", RESULT)
            .condition(IS_ADD).build();
    static final Operation MULT = Operation.builder("mult").input("numbers", NUMBERS).output("product", RESULT)
            .condition(IS_MULT).build();

    static DataFlow flow() {
        return DataFlow.builder()
                .operation(PARSE_LINE, (ctx, in) -> {
                    String line = (String) in.get("line");
                    List<Integer> numbers = new ArrayList<>();
                    for (String word : line.split(" ")) {
                        if (!word.isEmpty() && word.chars().allMatch(Character::isDigit)) {
                            numbers.add(Integer.parseInt(word));
                        }
                    }
                    return Map.of("add", line.contains("add"), "mult", line.contains("mult"), "numbers", numbers);
                })
                .operation(ADD, (ctx, in) -> Map.of("sum", numbers(in).stream().mapToInt(Integer::intValue).sum()))
                .operation(MULT, (ctx, in) -> Map.of("product",
                        numbers(in).stream().mapToInt(Integer::intValue).reduce(1, (a, b) -> a * b)))
                .operation(Outputs.getSingle(), Outputs.GET_SINGLE)
                .seed(Input.of(List.of(RESULT.name()), Outputs.GET_SINGLE_SPEC))
                .build();
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> numbers(Map<String, Object> in) {
        return (List<Integer>) in.get("numbers");
    }

    private Calc() {
    }
}
