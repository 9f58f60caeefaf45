/* vs-xml.h: small libxml2 helpers and the xml-templates/ loader. */
#pragma once

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject)
typedef xmlChar VsXmlChar;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsXmlChar, xmlFree)

/* Parse an XML document (blanks dropped, so output can be re-indented). */
xmlDoc *vs_xml_parse(const char *xml, const char *what, GError **error);

/* Serialise a document, indented, without the XML declaration. */
char *vs_xml_doc_to_string(xmlDoc *doc);
/* Serialise one element, indented. */
char *vs_xml_node_to_string(xmlNode *node);
/* Serialise one element with no added white space. */
char *vs_xml_node_to_compact_string(xmlNode *node);

/* Nodes matching @xpath relative to @ctx_node (NULL: the document). */
GPtrArray *vs_xml_find(xmlDoc *doc, xmlNode *ctx_node, const char *xpath);
/* First node matching @xpath, or NULL. */
xmlNode *vs_xml_find_one(xmlDoc *doc, xmlNode *ctx_node, const char *xpath);
/* First child element named @name. */
xmlNode *vs_xml_child(xmlNode *parent, const char *name);
/* Drop the white-space-only text children of @node (libxml2 keeps them in an
 * element that has no element children, e.g. virsh's empty <devices>), so a
 * child added later is indented like the rest. */
void vs_xml_strip_blank_children(xmlNode *node);
/* An attribute as a g_malloc'ed string, or NULL. */
char *vs_xml_prop(xmlNode *node, const char *name);

/* Load xml-templates/@name (compiled in as a GResource) as a new element
 * owned by @doc. */
xmlNode *vs_xml_template(const char *name, xmlDoc *doc, GError **error);
