package dev.weft.scope;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR event for one scope, from open to close. */
@Name("dev.weft.Scope")
@Label("Weft Scope")
@Category("Weft")
@Description("A Weft task scope, from open to close")
final class ScopeEvent extends Event {
    @Label("Path")
    String path;
    @Label("Policy")
    String policy;
    @Label("Tasks forked")
    long forked;
    @Label("Cancelled")
    boolean cancelled;
}
