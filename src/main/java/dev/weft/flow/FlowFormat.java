package dev.weft.flow;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The text formats a data flow file is written in: DFFML's dict format (see {@link DataFlows}) as JSON, or as YAML
 * the way DFFML's {@code configloader/yaml} plugin writes it. Pass one to {@link DataFlows#read(String, FlowFormat,
 * OperationRegistry)}, {@link DataFlows#read(java.io.Reader, FlowFormat, OperationRegistry)} and
 * {@link DataFlows#write(DataFlow, FlowFormat, boolean)}; {@link DataFlows#read(Path, OperationRegistry)} takes it
 * from the file's extension.
 */
public enum FlowFormat {
    /** JSON; files named {@code *.json}. */
    JSON,
    /** YAML; files named {@code *.yaml} or {@code *.yml}. */
    YAML;

    /**
     * The format of {@code file} by its extension, ignoring case.
     *
     * @throws IllegalArgumentException for another extension, naming the file
     */
    static FlowFormat ofFile(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return JSON;
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return YAML;
        }
        throw new IllegalArgumentException("data flow file " + file + ": unknown format; name it *.json, *.yaml or "
                + "*.yml");
    }
}
