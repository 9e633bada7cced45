package dev.weft.tube;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tube as a Mermaid {@code flowchart LR}, drawn from its {@link TubeSpec} alone (no registry, no running state), for
 * {@link Tube#mermaid()} and {@code ./weft tube diagram}.
 *
 * <ul>
 *   <li>one box per node, labelled {@code id<br/>type}; the special types have their own shapes: {@code map} a
 *       trapezoid, {@code gather} an inverted trapezoid, {@code return} a stadium, {@code tube} a subroutine box
 *       (labelled with the tube it runs);</li>
 *   <li>{@code input.x} (rounded) and {@code assets.x} (a cylinder) only when some node depends on them; a
 *       runner-scoped asset's own {@code depends} is a dotted edge from that node back to the asset;</li>
 *   <li>one edge per dependency, labelled {@code signal → slot} (a positional slot by its index; a scalar
 *       {@code depends} by the signal alone, having no slot);</li>
 *   <li>disabled nodes dashed and faded (class {@code disabled}); a dependency on a node the specification lacks
 *       draws that node as missing (class {@code missing}), so an unchecked specification still draws.</li>
 * </ul>
 *
 * Mermaid ids are {@code n_}, {@code i_}, {@code a_} and the name when it is a plain identifier, else a hash of it
 * (as the flow diagram does): a tube id such as {@code end} or {@code my-node} cannot break the graph. Labels are
 * always quoted, with Mermaid's entity codes for the characters that would end or reinterpret them. Stateless and
 * thread safe.
 */
final class TubeDiagram {
    private TubeDiagram() {
    }

    /** See {@link Tube#mermaid()}. */
    static String mermaid(Tube tube) {
        return mermaid(tube.spec());
    }

    /** The diagram of a specification, checked or not. */
    static String mermaid(TubeSpec spec) {
        StringBuilder out = new StringBuilder();
        out.append("%% tube ").append(spec.id().replace('\n', ' ')).append('\n');
        out.append("flowchart LR\n");
        Set<String> inputs = new LinkedHashSet<>();
        Set<String> assets = new LinkedHashSet<>();
        Set<String> missing = new LinkedHashSet<>();
        for (NodeSpec node : spec.nodes().values()) {
            for (Dependency d : node.depends().entries()) {
                switch (d.node()) {
                    case "input" -> inputs.add(d.signal());
                    case "assets" -> assets.add(d.signal());
                    default -> {
                        if (!spec.nodes().containsKey(d.node())) {
                            missing.add(d.node());
                        }
                    }
                }
            }
        }
        for (String name : inputs) {
            InputSpec input = spec.inputs().get(name);
            String scope = input == null ? "undeclared" : input.scope().name().toLowerCase(java.util.Locale.ROOT);
            out.append("    ").append(inputId(name)).append("(\"")
                    .append(escape("input." + name)).append("<br/>").append(escape(scope)).append("\")\n");
        }
        for (String name : assets) {
            AssetSpec asset = spec.assets().get(name);
            String what = asset == null ? "undeclared"
                    : asset.type() + " (" + asset.scope().name().toLowerCase(java.util.Locale.ROOT) + ")";
            out.append("    ").append(assetId(name)).append("[(\"")
                    .append(escape("assets." + name)).append("<br/>").append(escape(what)).append("\")]\n");
        }
        List<String> disabled = new ArrayList<>();
        for (Map.Entry<String, NodeSpec> e : spec.nodes().entrySet()) {
            NodeSpec node = e.getValue();
            out.append("    ").append(nodeId(e.getKey())).append(shaped(node.type(),
                    escape(e.getKey()) + "<br/>" + escape(typeLabel(node)))).append('\n');
            if (!node.enabled()) {
                disabled.add(nodeId(e.getKey()));
            }
        }
        List<String> missingIds = new ArrayList<>();
        for (String id : missing) {
            missingIds.add(nodeId(id));
            out.append("    ").append(nodeId(id)).append("[\"").append(escape(id)).append("<br/>(missing)\"]\n");
        }
        for (Map.Entry<String, NodeSpec> e : spec.nodes().entrySet()) {
            Depends depends = e.getValue().depends();
            for (Dependency d : depends.entries()) {
                String from = switch (d.node()) {
                    case "input" -> inputId(d.signal());
                    case "assets" -> assetId(d.signal());
                    default -> nodeId(d.node());
                };
                String label = depends.shape() == Depends.Shape.SCALAR ? d.signal() : d.signal() + " → " + d.key();
                out.append("    ").append(from).append(" -->|\"").append(escape(label)).append("\"| ")
                        .append(nodeId(e.getKey())).append('\n');
            }
        }
        for (String name : assets) {
            AssetSpec asset = spec.assets().get(name);
            if (asset == null || asset.depends() == null) {
                continue;
            }
            String source = asset.depends();
            int dot = source.indexOf('.');
            String node = dot > 0 ? source.substring(0, dot) : source;
            String signal = dot > 0 ? source.substring(dot + 1) : source;
            if (spec.nodes().containsKey(node)) {
                out.append("    ").append(nodeId(node)).append(" -.->|\"").append(escape(signal)).append("\"| ")
                        .append(assetId(name)).append('\n');
            }
        }
        if (!disabled.isEmpty()) {
            out.append("    classDef disabled stroke-dasharray:5 5,opacity:0.5\n");
            out.append("    class ").append(String.join(",", disabled)).append(" disabled\n");
        }
        if (!missingIds.isEmpty()) {
            out.append("    classDef missing stroke:#c00,stroke-dasharray:2 2,color:#c00\n");
            out.append("    class ").append(String.join(",", missingIds)).append(" missing\n");
        }
        return out.toString();
    }

    /** The second line of a node's label: its type, and for a {@code tube} node the tube it runs. */
    private static String typeLabel(NodeSpec node) {
        if (node.type().equals("tube") && node.params().get("tube") != null) {
            return "tube " + node.params().get("tube");
        }
        return node.type();
    }

    /** The node's box: the special types' shapes, else a rectangle. {@code label} is escaped already. */
    private static String shaped(String type, String label) {
        return switch (type) {
            case "map" -> "[/\"" + label + "\"\\]";
            case "gather" -> "[\\\"" + label + "\"/]";
            case "return" -> "([\"" + label + "\"])";
            case "tube" -> "[[\"" + label + "\"]]";
            default -> "[\"" + label + "\"]";
        };
    }

    static String nodeId(String id) {
        return safeId("n", "node.", id);
    }

    private static String inputId(String name) {
        return safeId("i", "input.", name);
    }

    private static String assetId(String name) {
        return safeId("a", "assets.", name);
    }

    /**
     * {@code prefix_name} for a plain identifier; else {@code prefixh_} and a hash, which no plain name can equal
     * (the plain form's prefix is followed by {@code _} at once). The prefix keeps Mermaid keywords ({@code end},
     * {@code graph}) and the three kinds of box apart.
     */
    private static String safeId(String prefix, String kind, String name) {
        boolean plain = !name.isEmpty() && Character.isLetter(name.charAt(0));
        for (int i = 0; i < name.length() && plain; i++) {
            char c = name.charAt(i);
            plain = c < 128 && (Character.isLetterOrDigit(c) || c == '_');
        }
        return plain ? prefix + "_" + name : prefix + "h_" + md5(kind + name);
    }

    /**
     * Text for inside a quoted label: {@code #} first (it starts Mermaid's entity codes), then the quote, angle
     * brackets and ampersand (labels render as HTML), the backtick (a markdown label) and line breaks.
     */
    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '#' -> b.append("#35;");
                case '"' -> b.append("#quot;");
                case '<' -> b.append("#lt;");
                case '>' -> b.append("#gt;");
                case '&' -> b.append("#amp;");
                case '`' -> b.append("#96;");
                case '\n' -> b.append("<br/>");
                case '\r' -> { }
                default -> b.append(c);
            }
        }
        return b.toString();
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
