package dev.weft.tube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventStoreTest {
    private final Tube tube = Tube.builder("store")
            .withNode("a", NodeSpec.of("word_source"))
            .withNode("m", NodeSpec.of("map").withNamedDepends("value", "a.word"))
            .withNode("c", NodeSpec.of("exclaim").withNamedDepends("string", "m.value"))
            .build(TubeKit.registry());

    @Test
    void answersByEpochFallingBackToTheParentAndClearsSubEpochs() {
        EventStore store = new EventStore(tube.graph);
        Epoch root = Epoch.root(3);
        Epoch sub = root.sub("m", 1);
        store.add(0, 0, root, "ab");
        store.add(1, 0, sub, "b");
        store.add(2, 0, sub, "b!");
        store.add(2, 0, root.sub("m", 0), "a!");
        assertThat(store.get("a", "word", sub).orElseThrow().value()).isEqualTo("ab");
        assertThat(store.get("c", "value", sub).orElseThrow().value()).isEqualTo("b!");
        assertThat(store.get("c", "value", root)).isEmpty();
        assertThat(store.within(2, 0, root)).extracting(Event::value).containsExactly("a!", "b!");
        assertThat(store.events(sub)).extracting(Event::nodeId).containsExactly("m", "c");
        assertThat(store.size()).isEqualTo(4);
        store.clear(sub);
        assertThat(store.events()).extracting(Event::value).containsExactly("ab", "a!");
        store.clear(root);
        assertThat(store.isEmpty()).isTrue();
        assertThatThrownBy(() -> store.get("x", "value", root)).hasMessageContaining("no node 'x'");
        assertThatThrownBy(() -> store.get("a", "nope", root)).hasMessageContaining("no signal 'nope'");
    }

    @Test
    void eventsCarryIdTimestampNodeSignalEpochAndValue() {
        EventStore store = new EventStore(tube.graph);
        Event first = store.add(0, 0, Epoch.root(0), "x");
        Event second = store.add(0, 0, Epoch.root(1), null);
        assertThat(second.id()).isGreaterThan(first.id());
        assertThat(second.timestamp()).isAfterOrEqualTo(first.timestamp());
        assertThat(first.nodeId()).isEqualTo("a");
        assertThat(first.signal()).isEqualTo("word");
        assertThat(second.value()).isNull();
        assertThat(store.get("a", "word", Epoch.root(1))).get().extracting(Event::value).isNull();
    }

    @Test
    void epochsOrderRootFirstThenSegmentBySegment() {
        Epoch r = Epoch.root(2);
        List<Epoch> sorted = new java.util.ArrayList<>(List.of(r.sub("b", 1), Epoch.root(10), r, r.sub("b", 0)
                .sub("c", 3), r.sub("b", 0), Epoch.root(1)));
        java.util.Collections.sort(sorted);
        assertThat(sorted).extracting(Epoch::toString).containsExactly("1", "2", "2/(b,0)", "2/(b,0)/(c,3)",
                "2/(b,1)", "10");
        assertThat(r.sub("b", 0).sub("c", 3).ancestorAt(1)).isEqualTo(r.sub("b", 0));
        assertThat(r.sub("b", 0).isWithin(r)).isTrue();
        assertThat(r.isWithin(r.sub("b", 0))).isFalse();
        assertThatThrownBy(() -> Epoch.root(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
