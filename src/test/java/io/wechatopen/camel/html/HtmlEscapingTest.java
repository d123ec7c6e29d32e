package io.wechatopen.camel.html;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

/** {@link HtmlEscaping}: the one escaper of the authorization pages and the sandbox page. */
class HtmlEscapingTest {

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "a & b                          | a &amp; b",
            "<script>                       | &lt;script&gt;",
            "say \"hi\"                     | say &quot;hi&quot;",
            "it's                           | it&#39;s",
            "`\" onclick='x()' a=\"<&>`     | &quot; onclick=&#39;x()&#39; a=&quot;&lt;&amp;&gt;",
            "&amp;                          | &amp;amp;",
            "微信 wx1234                     | 微信 wx1234"})
    void escapeWhenSpecialCharactersThenEntities(String text, String expected) {
        assertThat(HtmlEscaping.escape(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void escapeWhenNullOrEmptyThenEmpty(String text) {
        assertThat(HtmlEscaping.escape(text)).isEmpty();
    }
}
