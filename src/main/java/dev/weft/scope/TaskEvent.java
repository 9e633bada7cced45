package dev.weft.scope;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/**
 * JFR event for one task, committed when it ends, with its run time from fork to end; costs no allocation when no
 * recording asks for it.
 */
@Name("dev.weft.Task")
@Label("Weft Task")
@Category("Weft")
@Description("A task forked in a Weft scope, from start to end")
final class TaskEvent extends Event {
    @Label("Scope path")
    String scope;
    @Label("Task")
    String task;
    @Label("End state")
    String state;
    @Label("Run time")
    @Timespan
    long runTime;
}
