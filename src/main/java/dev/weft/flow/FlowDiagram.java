package dev.weft.flow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Diagrams: a {@link DataFlow} as a Mermaid graph in the layout of DFFML's {@code dataflow diagram}. Users call
 * {@link DataFlows#mermaid(DataFlow, boolean)}, which describes the layout. Stateless and thread safe.
 */
final class FlowDiagram {
    private FlowDiagram() {
    }

    /** See {@link DataFlows#mermaid(DataFlow, boolean)}. */
    static String mermaid(DataFlow flow, boolean simple) {
        StringBuilder out = new StringBuilder("graph TD\n");
        for (Stage stage : Stage.values()) {
            String stageNode = md5("stage." + stage.exported());
            String title = Character.toUpperCase(stage.exported().charAt(0)) + stage.exported().substring(1);
            out.append("subgraph ").append(stageNode).append('[').append(title).append(" Stage]\n");
            out.append("style ").append(stageNode).append(" fill:#afd388b5,stroke:#a4ca7a\n");
            flow.operations().forEach((instance, op) -> {
                if (op.stage() != stage) {
                    return;
                }
                String subgraph = md5("subgraph." + instance);
                String node = md5(instance);
                if (!simple) {
                    out.append("subgraph ").append(subgraph).append(label('[', instance, ']')).append('\n');
                    out.append("style ").append(subgraph).append(" fill:#fff4de,stroke:#cece71\n");
                }
                out.append(node).append(label('[', instance, ']')).append('\n');
                if (!simple) {
                    for (String input : op.inputs().keySet()) {
                        String inputNode = md5("input." + instance + "." + input);
                        out.append(inputNode).append(label('(', input, ')')).append('\n');
                        out.append(inputNode).append(" --> ").append(node).append('\n');
                    }
                    for (String output : op.outputs().keySet()) {
                        String outputNode = md5("output." + instance + "." + output);
                        out.append(outputNode).append(label('(', output, ')')).append('\n');
                        out.append(node).append(" --> ").append(outputNode).append('\n');
                    }
                    out.append("end\n");
                }
            });
            out.append("end\n");
        }
        out.append("subgraph inputs[Inputs]\n");
        out.append("style inputs fill:#f6dbf9,stroke:#a178ca\n");
        flow.flow().forEach((instance, f) -> {
            Operation op = flow.operations().get(instance);
            String node = md5(instance);
            f.inputs().forEach((input, sources) -> {
                String target = simple ? node : md5("input." + instance + "." + input);
                for (InputFlow.Source source : sources) {
                    drawSource(out, source, List.of(op.inputs().get(input).name()), target, " --> ", simple);
                }
            });
            List<String> conditionNames = new ArrayList<>();
            op.conditions().forEach(d -> conditionNames.add(d.name()));
            for (InputFlow.Source source : f.conditions()) {
                drawSource(out, source, conditionNames, node, " -.-> ", simple);
            }
        });
        out.append("end\n");
        return out.toString();
    }

    private static void drawSource(StringBuilder out, InputFlow.Source source, List<String> definitions,
                                   String target, String arrow, boolean toOperation) {
        List<String> named = definitions;
        if (source instanceof InputFlow.Source.AlternateDefinitions a) {
            named = a.definitions();
        }
        switch (source.origin()) {
            case Origin.Output o -> out.append(toOperation ? md5(o.instance())
                    : md5("output." + o.instance() + "." + o.outputKey())).append(arrow).append(target).append('\n');
            case Origin.Named n -> {
                for (String definition : named) {
                    String seedNode = md5(n.name() + "." + definition);
                    out.append(seedNode).append(label('(', definition, ')')).append('\n');
                    out.append(seedNode).append(arrow).append(target).append('\n');
                }
            }
        }
    }

    private static String label(char open, String text, char close) {
        boolean plain = !text.isEmpty();
        for (int i = 0; i < text.length() && plain; i++) {
            char c = text.charAt(i);
            plain = Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == ':' || c == '-' || c == ' ';
        }
        return plain ? open + text + close : open + "\"" + text.replace("\"", "#quot;") + "\"" + close;
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks MD5, which every Java platform must provide", e);
        }
    }
}
