package dev.weft;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.MonitorInstruction;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.List;

/**
 * For the pinning tests: where a class file uses a monitor ({@code synchronized} methods and blocks), read with the
 * JDK's class-file API, so that a test can show a package, or a library Weft leans on, never parks inside one.
 */
public final class Monitors {
    private Monitors() {
    }

    /** {@code "synchronized method a/B.m"} or {@code "synchronized block in a/B.m"} for each use in the class. */
    public static List<String> in(byte[] classFile) {
        ClassModel model = ClassFile.of().parse(classFile);
        List<String> found = new ArrayList<>();
        for (MethodModel m : model.methods()) {
            String where = model.thisClass().asInternalName() + "." + m.methodName().stringValue();
            if (m.flags().has(AccessFlag.SYNCHRONIZED)) {
                found.add("synchronized method " + where);
            }
            m.code().ifPresent((CodeModel code) -> code.forEach(element -> {
                if (element instanceof MonitorInstruction) {
                    found.add("synchronized block in " + where);
                }
            }));
        }
        return found;
    }
}
