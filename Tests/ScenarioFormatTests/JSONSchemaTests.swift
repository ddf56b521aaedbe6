import Foundation
import ScenarioFormat
import Testing

let jsonSchemaExample = Schema.object([
    .required("name", .string(pattern: "[a-z]+"), "Hall name."),
    .optional("racks", .integer(minimum: 1, maximum: 64), default: "8"),
    .optional("budget", .quantity(.power, .positive), default: "1 MW", "Facility power budget."),
    .optional("utilisation", .quantity(.fraction)),
    .optional("cooling", .choice(["air", "liquid"])),
    .optional("nodes", .array(of: .nameTemplate(), minItems: 1)),
    .optional("tags", .object([], additional: .string())),
    .optional("old", .boolean()).deprecated("use 'cooling'"),
], description: "One hall \"as built\".")

@Suite("JSON Schema")
struct JSONSchemaTests {
    @Test("A small schema emits exactly this draft 2020-12 document")
    func golden() {
        let expected = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://dctwin.example/schemas/hall.json",
          "title": "Hall",
          "description": "One hall \"as built\".",
          "type": "object",
          "properties": {
            "name": {
              "description": "Hall name.",
              "type": "string",
              "pattern": "^(?:[a-z]+)$"
            },
            "racks": {
              "type": "integer",
              "minimum": 1,
              "maximum": 64,
              "default": 8
            },
            "budget": {
              "description": "Facility power budget.",
              "type": "string",
              "pattern": "^[0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)? ?(?:W|kW|MW)$",
              "default": "1 MW"
            },
            "utilisation": {
              "description": "A fraction like '90%' or a number from 0 to 1.",
              "anyOf": [
                {
                  "type": "number",
                  "minimum": 0,
                  "maximum": 1
                },
                {
                  "type": "string",
                  "pattern": "^[0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)? ?(?:%)$"
                }
              ]
            },
            "cooling": {
              "type": "string",
              "enum": ["air", "liquid"]
            },
            "nodes": {
              "type": "array",
              "items": {
                "description": "A name, or a template like 'r{01..40}' or 'row{a..d}-r{1..3}'.",
                "type": "string",
                "pattern": "^(?:[^{}]|\\{(?:[0-9]+\\.\\.[0-9]+|[a-z]\\.\\.[a-z]|[A-Z]\\.\\.[A-Z])\\})*$"
              },
              "minItems": 1
            },
            "tags": {
              "type": "object",
              "properties": {},
              "additionalProperties": {
                "type": "string"
              }
            },
            "old": {
              "type": "boolean",
              "deprecated": true
            },
            "import": {
              "description": "Files to load first, relative to this one; this file's keys win.",
              "anyOf": [
                {
                  "type": "string"
                },
                {
                  "type": "array",
                  "items": {
                    "type": "string"
                  }
                }
              ]
            }
          },
          "required": ["name"],
          "additionalProperties": false
        }

        """#
        #expect(jsonSchema(of: jsonSchemaExample, title: "Hall", id: "https://dctwin.example/schemas/hall.json") == expected)
    }

    @Test("The emitted document parses as JSON, with the draft named and unknown keys refused")
    func parsesAsJSON() throws {
        let text = jsonSchema(of: siteSchema, title: "Site", id: "https://dctwin.example/schemas/site.json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(object["additionalProperties"] as? Bool == false)
        #expect(object["required"] as? [String] == ["site"])
    }

    @Test("Emitting twice gives the same bytes")
    func deterministic() {
        let first = jsonSchema(of: siteSchema, title: "Site", id: "x")
        #expect(jsonSchema(of: siteSchema, title: "Site", id: "x") == first)
    }

    @Test("The name-template pattern accepts what the expander accepts, for sample texts")
    func templatePatternAgrees() throws {
        let text = jsonSchema(of: .object([.required("n", .nameTemplate())]), title: "T", id: "t")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let properties = try #require(object["properties"] as? [String: Any])
        let pattern = try #require((properties["n"] as? [String: Any])?["pattern"] as? String)
        let regex = try Regex(pattern)
        for sample in ["r{01..40}", "row{a..d}-r{1..3}", "plain", "r{1..}", "r{1..3", "r}", "{a..3}", "{A..C}x"] {
            let expands = (try? expandNameTemplate(sample)) != nil
            #expect(((try? regex.wholeMatch(in: sample)) != nil) == expands, "\(sample)")
        }
    }
}
