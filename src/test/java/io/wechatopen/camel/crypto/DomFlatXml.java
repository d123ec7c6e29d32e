package io.wechatopen.camel.crypto;

import java.io.IOException;
import java.io.StringReader;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The reference for {@link SafeXml}: the secured DOM parse that SafeXml used before its own reader (issue 9), kept
 * to check that both give the same fields for every document the reader accepts.
 */
final class DomFlatXml {

    private static final DocumentBuilderFactory FACTORY = newFactory();

    private DomFlatXml() {
    }

    private static DocumentBuilderFactory newFactory() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        try {
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be made safe", e);
        }
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        factory.setNamespaceAware(false);
        return factory;
    }

    /**
     * Returns the text of every child element of the root, by element name, in document order. An element's own
     * CDATA and text are joined and stripped of surrounding whitespace; the text of nested elements is not included.
     * When a name repeats, the first element wins. The root must be named {@code xml}.
     *
     * @throws MalformedMessageException when the text is empty, not well-formed, declares a DTD or has another root
     */
    static Map<String, String> parseFlat(String xml) {
        if (xml == null || xml.isBlank()) {
            throw new MalformedMessageException("XML body is empty");
        }
        Document document;
        try {
            DocumentBuilder builder;
            // DocumentBuilderFactory is not guaranteed thread-safe; builders are used by one thread each.
            synchronized (FACTORY) {
                builder = FACTORY.newDocumentBuilder();
            }
            builder.setErrorHandler(new DefaultHandler());
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are not allowed");
            });
            document = builder.parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new MalformedMessageException("XML is not well-formed or declares a DTD");
        }
        Element root = document.getDocumentElement();
        if (!"xml".equals(root.getNodeName())) {
            throw new MalformedMessageException("XML root element must be <xml>");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        NodeList children = root.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node child = children.item(i);
            if (child.getNodeType() == Node.ELEMENT_NODE) {
                fields.putIfAbsent(child.getNodeName(), ownText(child).strip());
            }
        }
        return Collections.unmodifiableMap(fields);
    }

    /** The element's own text and CDATA children, joined; the text inside nested elements is not included. */
    private static String ownText(Node element) {
        StringBuilder text = new StringBuilder();
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node child = children.item(i);
            if (child.getNodeType() == Node.TEXT_NODE || child.getNodeType() == Node.CDATA_SECTION_NODE) {
                text.append(child.getNodeValue());
            }
        }
        return text.toString();
    }
}
