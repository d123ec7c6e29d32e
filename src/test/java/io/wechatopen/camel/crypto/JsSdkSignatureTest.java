package io.wechatopen.camel.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link JsSdkSignature} against WeChat's published example: JS-SDK doc 附录1 "JS-SDK使用权限签名算法",
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html (the same example is in WeCom's "JS-SDK
 * 签名算法", https://developer.work.weixin.qq.com/document/path/96909).
 */
class JsSdkSignatureTest {

    private static final String TICKET = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";

    @Test
    void signWhenWeChatsPublishedExampleThenWeChatsSignature() {
        assertThat(JsSdkSignature.sign(TICKET, "Wm3WZYTPz0wzccnW", "1414587457",
                "http://mp.weixin.qq.com?params=value")).isEqualTo("0f9de62fce790f9a083d5c99e95740ceb90c27ed");
    }

    @Test
    void signWhenTheOlderExampleWithoutQueryThenItsSignature() {
        // the doc's earlier edition signed url=http://mp.weixin.qq.com
        assertThat(JsSdkSignature.sign(TICKET, "Wm3WZYTPz0wzccnW", "1414587457", "http://mp.weixin.qq.com"))
                .isEqualTo("f4d90daf4b3bca3078ab155816175ba34c443a7b");
    }
}
