package dev.weft.demo.tube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link PyOps}: Python's operators, as the ported noob nodes need them; and {@link Words}' list. */
class PyOpsTest {
    @Test
    void integersStayIntegralAndGrowPastLong() {
        assertThat(PyOps.mul(3, 4L)).isEqualTo(12L);
        assertThat(PyOps.mul(true, 2)).isEqualTo(2L);
        assertThat(PyOps.add(Long.MAX_VALUE, 1)).isEqualTo(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE));
        assertThat(PyOps.add(BigInteger.TEN, -5)).isEqualTo(5L); // back to a Long when it fits
        assertThat(PyOps.mul(2, 0.5)).isEqualTo(1.0);
        assertThat(PyOps.truediv(1, 4)).isEqualTo(0.25);
        assertThat(PyOps.truediv(4, 2)).isEqualTo(2.0); // true division: always a float
    }

    @Test
    void sequencesRepeatAndConcatenate() {
        assertThat(PyOps.mul("ab", 3)).isEqualTo("ababab");
        assertThat(PyOps.mul(2, 'x')).isEqualTo("xx");
        assertThat(PyOps.mul("ab", -1)).isEqualTo("");
        assertThat(PyOps.mul(List.of(1), 2)).isEqualTo(List.of(1, 1));
        assertThat(PyOps.add("a", 'b')).isEqualTo("ab");
        assertThat(PyOps.add(List.of(1), List.of(2))).isEqualTo(List.of(1, 2));
    }

    @Test
    void whatPythonRefusesFailsWithPythonsMessage() {
        assertThatThrownBy(() -> PyOps.add("a", 1))
                .hasMessage("unsupported operand type(s) for +: 'str' and 'int'");
        assertThatThrownBy(() -> PyOps.mul("a", 1.5))
                .hasMessage("unsupported operand type(s) for *: 'str' and 'float'");
        assertThatThrownBy(() -> PyOps.truediv(1, 0.0)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> PyOps.sum(List.of("a"), "")).hasMessageContaining("can't sum strings");
        assertThatThrownBy(() -> PyOps.sum(3, 0L)).hasMessage("'int' object is not iterable");
        assertThatThrownBy(() -> PyOps.join(List.of("a", 1)))
                .hasMessage("sequence item 1: expected str instance, int found");
        assertThatThrownBy(() -> PyOps.toLong(1.5, "n"))
                .hasMessage("n: 'float' object cannot be interpreted as an integer");
    }

    @Test
    void sumAndJoin() {
        assertThat(PyOps.sum(List.of(1, 2, 3), 0L)).isEqualTo(6L);
        assertThat(PyOps.sum(List.of(), 0L)).isEqualTo(0L);
        assertThat(PyOps.join("abc")).isEqualTo("abc");
        assertThat(PyOps.join(List.of('a', "bc"))).isEqualTo("abc");
    }

    @Test
    void theWordListHoldsDistinctLowercaseWordsOfTwoLettersOrMore() {
        assertThat(Words.LIST).doesNotHaveDuplicates().allSatisfy(w -> assertThat(w).matches("[a-z]{2,}"));
        Words words = new Words(7L);
        assertThat(new Words(7L).word()).isEqualTo(words.word());
        for (int i = 0; i < 1000; i++) {
            assertThat(words.randint(2, 5)).isBetween(2L, 5L);
        }
    }
}
