package io.wechatopen.camel.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The test-only crypto against vectors published by Tencent and SDKs (wechat-protocol.md §6.3). */
class IndependentWeChatCryptoTest {

    private static final String KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private static final String APPID = "wxb11529c136998cb6";

    /** Vector A1: Tencent's OA sample (WXBizMsgCryptTest), random "aaaabbbbccccdddd". */
    private static final String A1_ENCRYPT = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832Wz"
            + "ZGMhkP72vVOfg==";

    /** Vector A′: easywechat's decrypt test (token pamtest). */
    private static final String A2_ENCRYPT = "rTNFcsut4LfGuAFKEUVVpwcaCOTJzOd9twZdIW910jb3k+iicx2uvhttIZ3Qg9Qgty3BEF2x"
            + "bOrz6boTfb30dMomcgrkTqdFPwnhqbk+kIQ7rZiwny9D7NUrTgA5kpX3KsZvrXzUZyP2x9YOlxbgm572lmxKvM7HAQQhIQ/p6HBmoY30b"
            + "GXFK0BtIu1pW9TjhOYrLQoU18nWYjWqDA1ynkmOytpv7QRI1P1+0NoxL0q2zO1DgeSvnE8CZGo/o5Ap/WHK5W2RAsinpzN4/LjPnmB6U"
            + "01I5XCoJoC0GK/yMZycd2Oh8Nq6+wBkC1U85oy0ktOY4nLvsQMLrourmMGdZHuTbqpeJ8Ao/5PRYJ+WBvRUwPfGKBL2+2IKZF49vAJqk"
            + "cGWSHGE76ZN2erXeuNazf/o9o3lIE3q739o4c8t9QGPe31GT2Go/rOz1BsrASwvauNulCh+++yz+CQzBIuikA==";
    private static final String A2_MSG_SIGNATURE = "4f3ad57b6989f09f4eb392acce4f9e93942ed890";

    @Test
    void encryptWhenTencentSampleThenPublishedCiphertext() throws Exception {
        assertThat(IndependentWeChatCrypto.encrypt(KEY, APPID, "我是中文abcd123", "aaaabbbbccccdddd"))
                .isEqualTo(A1_ENCRYPT);
    }

    @Test
    void decryptAndSignatureWhenEasywechatSampleThenPublishedPlaintextAndSignature() throws Exception {
        IndependentWeChatCrypto.Opened opened = IndependentWeChatCrypto.decrypt(KEY, A2_ENCRYPT);

        assertThat(opened.receiveId()).isEqualTo(APPID);
        assertThat(opened.message()).contains("<Content><![CDATA[hello]]></Content>")
                .contains("<ToUserName><![CDATA[asdasdasd]]></ToUserName>");
        assertThat(IndependentWeChatCrypto.signature("pamtest", "1458300676", "260774613", A2_ENCRYPT))
                .isEqualTo(A2_MSG_SIGNATURE);
    }
}
