package dev.weft.component;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live views of a {@link ComponentSystem} behind {@link ComponentSystem#describe()} (a text tree) and
 * {@link ComponentSystem#mermaid()} (a Mermaid graph in the style of {@code ./weft flow diagram}).
 *
 * <p>Each component's boxes are read under its own lock, so what one component shows is consistent; the view as a
 * whole is not one instant of the system (components run on while it is drawn). Stateless and thread safe: any thread
 * may draw any system at any time.
 */
final class SystemView {
    private SystemView() {
    }

    /** One inbox as read under its component's lock. */
    private record InboxView(String name, int queued, int capacity, long delivered, long dropped, Linkage onward,
            SharedInbox shared) {
    }

    /** One component's boxes, read under its lock. */
    private record Snapshot(List<InboxView> inboxes, List<String> outboxes, List<Long> sent, long droppedUnlinked) {
    }

    private static Snapshot snapshot(Component c) {
        List<InboxView> inboxes = new ArrayList<>();
        c.lock.lock();
        try {
            for (String name : c.inboxNames()) {
                Inbox in = c.inbox(name, "view");
                inboxes.add(new InboxView(name, in.size(), in.capacity, in.delivered(), in.dropped(), in.onward,
                        in.shared));
            }
        } finally {
            c.lock.unlock();
        }
        List<String> outboxes = c.outboxNames();
        List<Long> sent = new ArrayList<>();
        for (String name : outboxes) {
            sent.add(c.sent(name));
        }
        return new Snapshot(inboxes, outboxes, sent, c.droppedUnlinked());
    }

    private static String stateOf(Component c) {
        String waiting = c.waitingOn().map(w -> ", waiting on " + w).orElse("");
        return c.state() + waiting + statusOf(c).map(s -> "; " + s).orElse("");
    }

    /** The component's own status line ({@link Component#status()}); one that throws must not break the view. */
    private static Optional<String> statusOf(Component c) {
        try {
            Optional<String> status = c.status();
            return status == null ? Optional.empty() : status; // a careless override's null shows nothing
        } catch (RuntimeException e) {
            return Optional.of("status failed: " + e);
        }
    }

    private static String kindOf(Component c) {
        String simple = c.getClass().getSimpleName();
        return simple.isEmpty() ? "" : " (" + simple + ")";
    }

    // ---- text ----

    /** See {@link ComponentSystem#describe()}. */
    static String text(ComponentSystem system) {
        StringBuilder out = new StringBuilder();
        List<Component> top = system.components();
        out.append("system '").append(system.name()).append("': ").append(top.size()).append(" component")
                .append(top.size() == 1 ? "" : "s").append(", unlinked sends ")
                .append(system.strict() ? "refused (strict)" : "dropped and counted").append('\n');
        List<String> unlinked = new ArrayList<>();
        long[] total = {0};
        for (int i = 0; i < top.size(); i++) {
            describe(out, top.get(i), "", i == top.size() - 1, unlinked, total);
        }
        out.append("unlinked drops: ").append(total[0]);
        if (!unlinked.isEmpty()) {
            out.append(" (").append(String.join(", ", unlinked)).append(')');
        }
        out.append('\n');
        return out.toString();
    }

    private static void describe(StringBuilder out, Component c, String prefix, boolean last, List<String> unlinked,
            long[] total) {
        out.append(prefix).append(last ? "└─ " : "├─ ").append(c.path()).append(kindOf(c)).append(": ")
                .append(stateOf(c)).append('\n');
        String inner = prefix + (last ? "   " : "│  ");
        List<Component> children = c.childComponents();
        String detail = inner + (children.isEmpty() ? "  " : "│ ");
        Snapshot s = snapshot(c);
        int width = 0;
        for (InboxView in : s.inboxes) {
            width = Math.max(width, in.name.length());
        }
        for (String name : s.outboxes) {
            width = Math.max(width, name.length());
        }
        for (InboxView in : s.inboxes) {
            out.append(detail).append("in  ").append(pad(in.name, width)).append("  ").append(in.queued).append('/')
                    .append(in.capacity).append(" queued, ").append(in.delivered).append(" delivered, ")
                    .append(in.dropped).append(" dropped");
            if (in.onward != null) {
                out.append(", passed through to ").append(in.onward.to.path()).append('.').append(in.onward.toBox);
            }
            if (in.shared != null) {
                out.append(", also takes from shared inbox '").append(in.shared.name()).append("' (")
                        .append(in.shared.size()).append('/').append(in.shared.capacity()).append(" queued there)");
            }
            out.append('\n');
        }
        for (int i = 0; i < s.outboxes.size(); i++) {
            out.append(detail).append("out ").append(pad(s.outboxes.get(i), width)).append("  ").append(s.sent.get(i))
                    .append(" sent\n");
        }
        for (Linkage l : c.linkages()) {
            out.append(detail).append("link ").append(l).append(" [").append(l.delivery()).append(", ")
                    .append(l.dropped()).append(" dropped]\n");
        }
        if (s.droppedUnlinked > 0) {
            out.append(detail).append("dropped on unlinked outboxes: ").append(s.droppedUnlinked).append('\n');
            unlinked.add(c.path() + " " + s.droppedUnlinked);
            total[0] += s.droppedUnlinked;
        }
        if (c.asks != null) { // asked at least once (Asks)
            out.append(detail).append("asks ").append(c.openAsks()).append(" open, ").append(c.lateReplies())
                    .append(" late replies dropped\n");
        }
        if (c instanceof Actor<?> a) {
            out.append(detail).append("actor ").append(a.supervision()).append(", ").append(a.restarts())
                    .append(" restart(s), ").append(a.failures()).append(" failure(s)\n");
        }
        for (int i = 0; i < children.size(); i++) {
            describe(out, children.get(i), inner, i == children.size() - 1, unlinked, total);
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    // ---- Mermaid ----

    /** See {@link ComponentSystem#mermaid()}. */
    static String mermaid(ComponentSystem system) {
        Map<Component, String> ids = new IdentityHashMap<>();
        StringBuilder out = new StringBuilder("graph TD\n");
        out.append("subgraph system").append(label('[', "system " + system.name(), ']')).append('\n');
        out.append("style system fill:#afd388b5,stroke:#a4ca7a\n");
        List<Component> all = new ArrayList<>();
        for (Component c : system.components()) {
            node(out, c, ids, all);
        }
        out.append("end\n");
        Map<SharedInbox, String> shared = new IdentityHashMap<>();
        for (Component c : all) {
            for (InboxView in : snapshot(c).inboxes) {
                if (in.shared != null) {
                    out.append(sharedId(out, in.shared, shared)).append(" -.->").append(label('|', in.name, '|'))
                            .append(' ').append(ids.get(c)).append('\n');
                }
            }
            for (Linkage l : c.linkages()) {
                if (!l.isLinked()) {
                    continue;
                }
                String from = idOf(out, l.from, ids);
                if (l.toShared != null) {
                    String text = l.fromBox + (l.delivery == Delivery.BLOCK ? "" : " " + l.delivery)
                            + (l.dropped() > 0 ? ", " + l.dropped() + " dropped" : "");
                    out.append(from).append(" -->").append(label('|', text, '|')).append(' ')
                            .append(sharedId(out, l.toShared, shared)).append('\n');
                    continue;
                }
                String to = idOf(out, l.to, ids);
                String text = l.fromBox + "→" + l.toBox + (l.delivery == Delivery.BLOCK ? "" : " " + l.delivery)
                        + (l.dropped() > 0 ? ", " + l.dropped() + " dropped" : "");
                String arrow = l.kind == Linkage.Kind.OUTBOX_TO_INBOX ? " -->" : " -.->";
                out.append(from).append(arrow).append(label('|', text, '|')).append(' ').append(to).append('\n');
            }
        }
        return out.toString();
    }

    /** The node id of the shared inbox {@code s}, drawn (a queue shape: its name and queued / capacity) at first use. */
    private static String sharedId(StringBuilder out, SharedInbox s, Map<SharedInbox, String> ids) {
        String id = ids.get(s);
        if (id == null) {
            id = "s" + (ids.size() + 1);
            ids.put(s, id);
            out.append(id).append(label('[', "shared " + s.name() + "\n" + s.size() + "/" + s.capacity(), ']'))
                    .append('\n');
        }
        return id;
    }

    /** Draws {@code c}: a node, and for a parent a subgraph holding its own node and its children's. */
    private static void node(StringBuilder out, Component c, Map<Component, String> ids, List<Component> all) {
        String id = "c" + (ids.size() + 1);
        ids.put(c, id);
        all.add(c);
        List<Component> children = c.childComponents();
        if (!children.isEmpty()) {
            out.append("subgraph ").append(id).append("_children").append(label('[', c.name() + kindOf(c), ']'))
                    .append('\n');
            out.append("style ").append(id).append("_children fill:#fff4de,stroke:#cece71\n");
        }
        out.append(id).append(label('[', nodeText(c, c.name()), ']')).append('\n');
        String style = switch (c.state()) {
            case SUCCEEDED -> "fill:#eeeeee,stroke:#999999,color:#666666";
            case FAILED -> "fill:#f4cccc,stroke:#cc0000";
            case CANCELLED -> "fill:#fce5cd,stroke:#e69138";
            default -> null;
        };
        if (style != null) {
            out.append("style ").append(id).append(' ').append(style).append('\n');
        }
        for (Component child : children) {
            node(out, child, ids, all);
        }
        if (!children.isEmpty()) {
            out.append("end\n");
        }
    }

    /** The node id of {@code c}, drawing it outside the system's subgraph if it is not in the system's tree. */
    private static String idOf(StringBuilder out, Component c, Map<Component, String> ids) {
        String id = ids.get(c);
        if (id == null) {
            id = "c" + (ids.size() + 1);
            ids.put(c, id);
            out.append(id).append(label('[', nodeText(c, c.path()), ']')).append('\n');
        }
        return id;
    }

    /** A node's text: its title, state, and the inboxes that are not passed through (control only if not empty). */
    private static String nodeText(Component c, String title) {
        StringBuilder text = new StringBuilder(title).append(": ").append(stateOf(c));
        for (InboxView in : snapshot(c).inboxes) {
            if (in.onward == null && (in.queued > 0 || !in.name.equals(Component.CONTROL))) {
                text.append('\n').append(in.name).append(' ').append(in.queued).append('/').append(in.capacity);
            }
        }
        return text.toString();
    }

    /**
     * {@code text} between {@code open} and {@code close}: bare when it is plain, else quoted (Mermaid's
     * {@code #quot;} for a quote, {@code <br/>} for a line break).
     */
    private static String label(char open, String text, char close) {
        boolean plain = !text.isEmpty();
        for (int i = 0; i < text.length() && plain; i++) {
            char ch = text.charAt(i);
            plain = Character.isLetterOrDigit(ch) || ch == '_' || ch == '.' || ch == '-' || ch == ' ';
        }
        if (plain) {
            return open + text + close;
        }
        String quoted = text.replace("\"", "#quot;").replace("\n", "<br/>");
        return open + "\"" + quoted + "\"" + close;
    }
}
