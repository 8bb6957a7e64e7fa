package io.distill4j.data.text;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WordTokenizerTest {
    @Test
    void lowerCaseWordsWithExclamationAndQuestionMarksAsTokensOfTheirOwn() {
        assertThat(WordTokenizer.tokens("I loved it!<br /><br />Great")).containsExactly("i", "loved", "it", "!", "great");
        assertThat(WordTokenizer.tokens("WHY?! Why??")).containsExactly("why", "?", "!", "why", "?", "?");
    }

    @Test
    void lineBreaksSeparateWordsInAnyLetterCaseAndNeverBecomeTheWordBr() {
        assertThat(WordTokenizer.tokens("end.<br />Next")).containsExactly("end", "next");
        assertThat(WordTokenizer.tokens("end<BR />next")).containsExactly("end", "next");
        assertThat(WordTokenizer.tokens("a<br />")).containsExactly("a");
        // only the exact tag is a line break: other markup falls apart into its letters like any punctuation
        assertThat(WordTokenizer.tokens("<br/>x <br>y <i>z</i>")).containsExactly("br", "x", "br", "y", "i", "z", "i");
        assertThat(WordTokenizer.tokens("<br /")).containsExactly("br");
    }

    @Test
    void punctuationApostrophesAndSymbolsSeparateAndDigitsAreWordCharacters() {
        assertThat(WordTokenizer.tokens("Don't rate it 10/10... (really), x² $5.99"))
                .containsExactly("don", "t", "rate", "it", "10", "10", "really", "x", "5", "99");
        assertThat(WordTokenizer.tokens("mid-90s B-movie")).containsExactly("mid", "90s", "b", "movie");
    }

    @Test
    void unicodeLettersAreLettersAndAreLowerCasedOneCodePointAtATime() {
        assertThat(WordTokenizer.tokens("Café NAÏVE Ελλάδα Москва 東京")).containsExactly("café", "naïve", "ελλάδα", "москва", "東京");
        // a letter outside the Basic Multilingual Plane (a surrogate pair) stays one letter: 𝐀 is MATHEMATICAL BOLD A
        assertThat(WordTokenizer.tokens("x𝐀y z")).containsExactly("x𝐀y", "z");
        // per code point: the dotted capital I becomes plain i (String.toLowerCase would add a combining dot)
        assertThat(WordTokenizer.tokens("İstanbul")).containsExactly("istanbul");
    }

    @Test
    void emptyAndSeparatorOnlyTextsHaveNoTokens() {
        assertThat(WordTokenizer.tokens("")).isEmpty();
        assertThat(WordTokenizer.tokens(" ...<br /><br />-- ")).isEmpty();
    }

    @Test
    void forEachTokenHandsOverTheSameTokensAsTokens() {
        String text = "It's a 7/10!<br />Not bad?";
        List<String> seen = new ArrayList<>();
        WordTokenizer.forEachToken(text, seen::add);
        assertThat(seen).isEqualTo(WordTokenizer.tokens(text)).containsExactly("it", "s", "a", "7", "10", "!", "not", "bad", "?");
    }

    @Test
    void aTokenIsALowerCaseWordOrAMarkAlone() {
        assertThat(WordTokenizer.isToken("movie")).isTrue();
        assertThat(WordTokenizer.isToken("!")).isTrue();
        assertThat(WordTokenizer.isToken("90s")).isTrue();
        assertThat(WordTokenizer.isToken("Movie")).as("not lower-case").isFalse();
        assertThat(WordTokenizer.isToken("two words")).isFalse();
        assertThat(WordTokenizer.isToken("!!")).isFalse();
        assertThat(WordTokenizer.isToken("")).isFalse();
        assertThat(WordTokenizer.isToken("<pad>")).isFalse();
    }
}
