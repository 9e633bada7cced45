package dev.weft.scope;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR event for one task, from start to end; costs nothing when no recording asks for it. */
@Name("dev.weft.Task")
@Label("Weft Task")
@Category("Weft")
@Description("A task forked in a Weft scope, from start to end")
final class TaskEvent extends jdk.jfr.Event {
    @Label("Scope path")
    String scope;
    @Label("Task")
    String task;
    @Label("End state")
    String state;
}
