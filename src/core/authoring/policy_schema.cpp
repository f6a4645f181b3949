// SPDX-License-Identifier: Apache-2.0
#include "core/authoring/policy_schema.hpp"

namespace divert {

// Kept byte for byte equal to schema/divert-policy.schema.json, which editors read through the
// `# yaml-language-server: $schema=` line of every shipped policy.
const std::string& policy_schema_json() {
  static const std::string k_schema = R"schema({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$id": "https://divert.invalid/schema/divert-policy.schema.json",
  "title": "divert policy (format 1)",
  "description": "A LEAD eligibility policy for divert: its questions, rules and referral details. See divert-policy(5). Conditions are checked further by 'divert policy lint'.",
  "type": "object",
  "additionalProperties": false,
  "required": ["format", "id", "title", "version", "status"],
  "properties": {
    "format": {
      "description": "The policy format version. This divert reads format 1.",
      "const": 1
    },
    "id": {
      "description": "The policy id, lower-case kebab-case; for shipped policies the file name without .yaml.",
      "$ref": "#/definitions/kebab_id",
      "examples": ["wa-whatcom"]
    },
    "title": {
      "description": "The policy's name as people read it.",
      "type": "string"
    },
    "version": {
      "description": "The policy's version. Quote versions that look like numbers: version: \"2024.1\".",
      "anyOf": [{"type": "string"}, {"type": "number"}],
      "examples": ["2024.1"]
    },
    "status": {
      "description": "adopted: criteria adopted by the program; model: built from published summaries, not confirmed; draft: work in progress. Every use of a model or draft policy says so.",
      "enum": ["adopted", "model", "draft"]
    },
    "abstract": {
      "description": "true for a base layer that must not decide cases (it can be linted, shown and extended).",
      "type": "boolean"
    },
    "extends": {
      "description": "The id (or relative path) of the base layer, looked up beside this file first.",
      "type": "string",
      "examples": ["lead-vocabulary", "wa-state"]
    },
    "effective": {
      "description": "The date the policy applies from (required for a policy that decides cases). An incident before it gets a warning.",
      "$ref": "#/definitions/date"
    },
    "review_by": {
      "description": "The date by which the policy must be reviewed; policy lint warns once it has passed.",
      "$ref": "#/definitions/date"
    },
    "expires": {
      "description": "The policy's end date; incidents after it get a warning and policy lint warns once it has passed.",
      "$ref": "#/definitions/date"
    },
    "until": {
      "description": "The date the program or protocol ended or was superseded, with a one-line reason; an incident on or after it gets a warning naming the date.",
      "type": "object",
      "additionalProperties": false,
      "required": ["date", "reason"],
      "properties": {
        "date": {"$ref": "#/definitions/date"},
        "reason": {"type": "string", "description": "Why it ended, e.g. renamed Thrive and moved under the Fire Department (2019)."}
      }
    },
    "summary": {
      "description": "A paragraph for people reading the policy.",
      "type": "string"
    },
    "sources": {
      "description": "The documents the criteria come from.",
      "type": "array",
      "items": {
        "anyOf": [
          {"type": "string", "description": "A URL."},
          {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "title": {"type": "string", "description": "What the document is."},
              "url": {"type": "string", "description": "Where to find it."}
            }
          }
        ]
      }
    },
    "agencies": {
      "description": "The agencies the policy serves.",
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["name"],
        "properties": {
          "name": {"type": "string", "description": "The agency's name."},
          "code": {"anyOf": [{"type": "string"}, {"type": "number"}], "description": "Its code, such as an ORI (optional; never invent one)."}
        }
      }
    },
    "providers": {
      "description": "Who takes the referral and how to reach them. The first provider whose pathways include the case's pathway is handed over.",
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["name", "contact"],
        "properties": {
          "name": {"type": "string", "description": "The case-management provider."},
          "contact": {"type": "string", "description": "How the officer hands the person over."},
          "pathways": {"$ref": "#/definitions/pathway_list"}
        }
      }
    },
    "intake": {
      "description": "The intake deadline, counted in days from incident_date.",
      "type": "object",
      "additionalProperties": false,
      "required": ["days"],
      "properties": {
        "days": {"type": "integer", "minimum": 0, "maximum": 365, "description": "Days from the incident date."},
        "pathways": {"$ref": "#/definitions/pathway_list", "description": "The pathways the deadline applies to (default: [arrest_diversion])."}
      }
    },
    "pathways": {
      "description": "The pathways the program offers (default: every value of the pathway question). A program that offers fewer needs a rule that refuses the others.",
      "$ref": "#/definitions/pathway_list"
    },
    "record": {
      "description": "Record-only text questions kept in the signed record.",
      "type": "array",
      "items": {"$ref": "#/definitions/snake_id"},
      "examples": [["case_number", "narrative"]]
    },
    "questions": {
      "description": "The policy's own questions. A layer may not redefine a question of a base layer.",
      "type": "array",
      "items": {"$ref": "#/definitions/question"}
    },
    "choice_values": {
      "description": "Additions to, and labels or statutes for, the values of a base layer's choice questions, by question id.",
      "type": "object",
      "propertyNames": {"$ref": "#/definitions/snake_id"},
      "additionalProperties": {"$ref": "#/definitions/values"}
    },
    "derived": {
      "description": "Values computed from answers, usable in conditions like questions.",
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "label", "value"],
        "properties": {
          "id": {"$ref": "#/definitions/snake_id"},
          "label": {"type": "string", "description": "What the value means."},
          "value": {"type": "string", "description": "An expression, e.g. years_between(date_of_birth, incident_date)."}
        }
      }
    },
    "rules": {
      "description": "The rules, in order.",
      "type": "array",
      "items": {"$ref": "#/definitions/rule"}
    }
  },
  "definitions": {
    "kebab_id": {
      "type": "string",
      "pattern": "^[a-z][a-z0-9-]{0,79}$"
    },
    "snake_id": {
      "type": "string",
      "pattern": "^[a-z][a-z0-9_]{0,79}$"
    },
    "date": {
      "type": "string",
      "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
      "examples": ["2024-03-02"]
    },
    "pathway_list": {
      "description": "Pathway values, e.g. [arrest_diversion, social_contact].",
      "type": "array",
      "minItems": 1,
      "items": {"$ref": "#/definitions/snake_id"}
    },
    "condition": {
      "description": "An expression: question ids, numbers, dates, ==, !=, <, <=, >, >=, in [...], not in [...], and, or, not, date +/- N days|months|years, any(list, cond), count(list, cond), answered(question), is_drug(offense), years_between(a, b), months_between(a, b). See divert-policy(5), CONDITIONS.",
      "anyOf": [{"type": "string"}, {"type": "boolean"}],
      "examples": ["offense in [drug_possession, drug_public_use] and drug_grams <= 3"]
    },
    "values": {
      "description": "value: label, or value: {label, drug, statutes}; values are lower-case snake_case, in the order offered.",
      "type": "object",
      "propertyNames": {"$ref": "#/definitions/snake_id"},
      "additionalProperties": {
        "anyOf": [
          {"type": "string"},
          {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "label": {"type": "string", "description": "What the officer sees."},
              "drug": {"type": "boolean", "description": "offense values: whether it is a drug offense (required for a new offense)."},
              "statutes": {"type": "array", "items": {"type": "string"}, "description": "Statute citations, e.g. RCW 69.50.4013."}
            }
          }
        ]
      }
    },
    "question": {
      "type": "object",
      "additionalProperties": false,
      "required": ["id", "type", "label"],
      "properties": {
        "id": {
          "description": "The question id, lower-case snake_case (case_id is reserved).",
          "allOf": [{"$ref": "#/definitions/snake_id"}, {"not": {"const": "case_id"}}]
        },
        "type": {
          "description": "bool, choice, number, integer, date, convictions (a list of {category, date}) or text (record only).",
          "enum": ["bool", "choice", "number", "integer", "date", "convictions", "text"]
        },
        "label": {"type": "string", "description": "The question as the officer sees it."},
        "help": {"type": "string", "description": "Help text, shown when the officer types ?."},
        "unit": {"type": "string", "description": "A unit for numbers, e.g. g."},
        "values": {"$ref": "#/definitions/values", "description": "choice: the allowed values, in order."},
        "categories": {"$ref": "#/definitions/values", "description": "convictions: the allowed categories."},
        "min": {"type": "number", "description": "number, integer: the smallest allowed answer."},
        "max": {"type": "number", "description": "number, integer: the largest allowed answer."},
        "past": {"type": "boolean", "description": "date, convictions: a past event, which may not follow incident_date."},
        "asked_when": {"type": "string", "description": "An expression; the question is asked, and its answer read, only while it is true."},
        "record_only": {"type": "boolean", "description": "text: kept in the record, never read by rules."}
      },
      "allOf": [
        {"if": {"properties": {"type": {"const": "choice"}}}, "then": {"properties": {"values": true}, "required": ["values"]}, "else": {"not": {"properties": {"values": true}, "required": ["values"]}}},
        {"if": {"properties": {"type": {"const": "convictions"}}}, "then": {"properties": {"categories": true}, "required": ["categories"]}, "else": {"not": {"properties": {"categories": true}, "required": ["categories"]}}},
        {"if": {"properties": {"type": {"enum": ["number", "integer"]}}}, "then": true, "else": {"not": {"anyOf": [{"properties": {"min": true}, "required": ["min"]}, {"properties": {"max": true}, "required": ["max"]}]}}}
      ]
    },
    "rule": {
      "type": "object",
      "additionalProperties": false,
      "required": ["id", "effect", "condition"],
      "properties": {
        "id": {"description": "A stable kebab-case id: records and scripts refer to it.", "$ref": "#/definitions/kebab_id"},
        "effect": {
          "description": "require: ineligible when the condition is false; exclude: ineligible when it is true; approval: needs_approval when it is true and nothing excludes; notice: reported, never changes the outcome.",
          "enum": ["require", "exclude", "approval", "notice"]
        },
        "pathways": {"$ref": "#/definitions/pathway_list", "description": "The pathways the rule applies to (default: all)."},
        "condition": {"$ref": "#/definitions/condition"},
        "explain": {"type": "string", "description": "The plain-language explanation the officer sees."},
        "citation": {"type": "string", "description": "The source of the criterion (statute, protocol, document)."},
        "approver": {"type": "string", "description": "approval rules: who approves."},
        "holds_by_design": {"type": "boolean", "description": "true when the condition is always true on purpose (an approval of every referral); policy lint does not flag it."},
        "override": {"type": "boolean", "description": "true to replace the base layer's rule of the same id, in place."},
        "basis": {
          "description": "What the rule rests on: published (the program's or the law's own text), reported (a secondary source: news, an evaluation, a slide deck) or assumed (the model's own choice where no source was found). Required in an adopted policy, where assumed is not allowed.",
          "enum": ["published", "reported", "assumed"]
        },
        "sources": {
          "description": "The documents the rule rests on (required for published and reported rules; none for assumed ones).",
          "type": "array",
          "items": {
            "type": "object",
            "additionalProperties": false,
            "required": ["title", "url"],
            "properties": {
              "title": {"type": "string", "description": "What the document is."},
              "url": {"type": "string", "description": "Where to find it."}
            }
          }
        },
        "assumption": {"type": "string", "description": "The part of a published or reported rule that is the model's own choice."}
      },
      "allOf": [
        {"if": {"properties": {"effect": {"const": "approval"}}}, "then": true, "else": {"not": {"properties": {"approver": true}, "required": ["approver"]}}},
        {"if": {"properties": {"basis": {"const": "assumed"}}, "required": ["basis"]}, "then": {"not": {"anyOf": [{"properties": {"sources": true}, "required": ["sources"]}, {"properties": {"assumption": true}, "required": ["assumption"]}]}}}
      ]
    }
  }
}
)schema";
  return k_schema;
}

} // namespace divert
