package dev.weft.demo.tube;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random words for the word sources, standing in for the Faker library noob's testing nodes use ({@code fake.word()},
 * {@code fake.unique.word()}): lowercase English words of two letters or more, from a fixed list. A seed makes a run
 * repeatable. {@link #unique()} never returns a word twice, as Faker's unique proxy; once the list is used up it
 * joins two words (Faker would fail instead, which would end a long run for no reason of the tube's). Not thread
 * safe: each source node owns one.
 */
final class Words {
    static final List<String> LIST = List.of(
            "about", "above", "across", "act", "add", "after", "again", "age", "agree", "air", "all", "allow",
            "also", "always", "among", "and", "animal", "answer", "any", "apple", "area", "arm", "art", "ask",
            "back", "ball", "bank", "bar", "base", "beat", "bed", "begin", "best", "bird", "black", "blue",
            "board", "boat", "body", "book", "box", "bring", "build", "call", "camera", "car", "card", "care",
            "carry", "case", "cat", "cause", "cell", "center", "chair", "chance", "change", "city", "class",
            "clear", "close", "cold", "color", "come", "cost", "could", "country", "cover", "cup", "cut", "dark",
            "data", "day", "deal", "deep", "dog", "door", "down", "draw", "dream", "drive", "drop", "early",
            "east", "easy", "eat", "edge", "egg", "end", "energy", "enjoy", "enter", "even", "event", "every",
            "eye", "face", "fact", "fall", "far", "farm", "fast", "fear", "field", "fight", "figure", "fill",
            "film", "find", "fine", "fire", "fish", "floor", "fly", "focus", "food", "foot", "force", "form",
            "free", "friend", "front", "fruit", "full", "fund", "game", "garden", "gas", "give", "glass", "goal",
            "gold", "good", "green", "ground", "group", "grow", "guess", "gun", "hair", "half", "hand", "happy",
            "hard", "hat", "head", "hear", "heart", "heat", "help", "high", "hill", "hold", "home", "hope",
            "horse", "hot", "hour", "house", "idea", "image", "iron", "island", "item", "job", "join", "just",
            "keep", "key", "kid", "kind", "king", "know", "lake", "land", "large", "late", "laugh", "law", "lay",
            "lead", "learn", "leave", "leg", "letter", "level", "lie", "life", "light", "line", "list", "little",
            "live", "long", "look", "lose", "love", "low", "machine", "main", "make", "man", "many", "map",
            "mark", "market", "matter", "may", "meet", "memory", "metal", "middle", "might", "mind", "minute",
            "miss", "model", "money", "month", "moon", "more", "morning", "most", "mother", "mountain", "move",
            "music", "must", "name", "near", "need", "never", "new", "news", "next", "night", "noise", "north",
            "note", "number", "ocean", "off", "office", "oil", "old", "once", "open", "order", "other", "over",
            "own", "page", "paint", "paper", "part", "party", "pass", "past", "pay", "people", "pick", "piece",
            "place", "plan", "plant", "play", "point", "pool", "poor", "power", "press", "price", "pull", "push",
            "put", "question", "quick", "quite", "rain", "raise", "reach", "read", "ready", "real", "red", "rest",
            "rich", "ride", "right", "ring", "rise", "river", "road", "rock", "room", "root", "rope", "rose",
            "round", "rule", "run", "safe", "sail", "salt", "same", "sand", "save", "say", "school", "sea",
            "seat", "seed", "seem", "sell", "send", "sense", "serve", "set", "shape", "share", "ship", "shop",
            "short", "show", "side", "sign", "silver", "simple", "sing", "sister", "sit", "size", "skin", "sky",
            "sleep", "slow", "small", "smile", "snow", "soft", "soil", "song", "sound", "south", "space", "speak",
            "speed", "spring", "square", "stand", "star", "start", "state", "stay", "step", "stone", "stop",
            "store", "story", "street", "strong", "study", "sugar", "summer", "sun", "table", "tail", "take",
            "talk", "teach", "team", "tell", "test", "thank", "thing", "think", "through", "time", "tire", "today",
            "tool", "top", "total", "touch", "town", "track", "trade", "train", "travel", "tree", "true", "try",
            "turn", "type", "under", "unit", "up", "use", "usual", "valley", "value", "very", "view", "visit",
            "voice", "wait", "walk", "wall", "want", "war", "warm", "wash", "watch", "water", "wave", "way",
            "wear", "week", "weight", "west", "wheel", "white", "whole", "wide", "wild", "will", "win", "wind",
            "window", "wing", "winter", "wish", "wood", "word", "work", "world", "write", "yard", "year", "yellow",
            "young", "zero");

    private final Random random;
    private List<String> unused;
    private final Set<String> given = new HashSet<>();

    /** Words from a generator seeded with {@code seed}, or an unseeded one when {@code null}. */
    Words(Long seed) {
        this.random = seed == null ? new Random() : new Random(seed);
    }

    /** Any word; repeats happen. */
    String word() {
        return LIST.get(random.nextInt(LIST.size()));
    }

    /** A word not returned by {@link #unique()} before. */
    String unique() {
        if (unused == null) {
            unused = new ArrayList<>(LIST);
            Collections.shuffle(unused, random);
        }
        while (!unused.isEmpty()) {
            String w = unused.removeLast();
            if (given.add(w)) {
                return w;
            }
        }
        while (true) {
            String w = word() + word();
            if (given.add(w)) {
                return w;
            }
        }
    }

    /** A random int in {@code [from, to]}, as Python's {@code random.randint}. */
    long randint(int from, int to) {
        return from + random.nextInt(to - from + 1);
    }
}
