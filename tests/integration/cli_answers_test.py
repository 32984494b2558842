"""rootCause through the real CLI as a new user runs it: no --rules (the
shipped rules are the default, as in the daemon), a product typed in lower
case, full-width codes, a code with no product.

usage: cli_answers_test.py FAULTGRAPH_CLI
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CLI = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph")

MAPPING = """[source]
name = "crm"
record = "case"
[key]
columns = ["ticket_no"]
[fields]
case_id = "ticket_no"
product = "model"
opened = "opened_at"
symptom_text = "symptom"
fault_codes = "codes"
components = "component"
failure_cause = "cause"
"""


class CliAnswers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="fg_answers_")
        cls.data = os.path.join(cls.tmp, "db")
        tickets = os.path.join(cls.tmp, "tickets.csv")
        with open(tickets, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["ticket_no", "model", "opened_at", "symptom", "codes", "component", "cause"])
            for i in range(12):
                w.writerow([f"T{i:03d}", "AC-350", f"2024-06-{i + 1:02d} 10:00", "空调不制冷",
                            "", "COMP", "wear"])
            for i in range(6):
                w.writerow([f"U{i:03d}", "AC-350", f"2024-07-{i + 1:02d} 10:00", "外机有异响",
                            "E4", "FAN", "loose"])
        mapping = os.path.join(cls.tmp, "tickets.toml")
        with open(mapping, "w") as f:
            f.write(MAPPING)
        cls.fg(cls, "ingest", "--mapping", mapping, tickets)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def fg(self, *args, lang=None):
        drop = ("FAULTGRAPH_RULES", "FAULTGRAPH_LANG", "LC_ALL", "LC_MESSAGES", "LANG")
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env.update(lang or {})
        r = subprocess.run([CLI, "--data", self.data, *args], capture_output=True, text=True,
                           env=env)
        if r.returncode != 0:
            raise AssertionError(f"{args}: exit {r.returncode}: {r.stderr}")
        return r.stdout

    def ask(self, *args):
        return json.loads(self.fg("--json", "rootcause", *args))

    def test_shipped_symptom_rules_are_used_without_rules(self):
        # Traditional 不製冷 is the shipped rule no_cooling, at ingest and here.
        a = self.ask("--product", "AC-350", "--text", "客人說不製冷")
        self.assertIn("no_cooling", a["symptoms"], a["notes"])
        self.assertEqual(a["components"][0]["component"], "COMP")

    def test_lower_case_product_and_full_width_code(self):
        a = self.ask("--product", "ac-350", "--codes", "Ｅ４", "--text", "有声音")
        self.assertEqual(a["product"], "AC-350")
        self.assertIn("AC-350:E4", a["symptoms"], a["notes"])
        self.assertNotIn("ac-350:E4", a["symptoms"])
        self.assertEqual(a["components"][0]["component"], "FAN")
        self.assertTrue(any("read as 'AC-350'" in n for n in a["notes"]), a["notes"])
        # The server's notes in the agent's language (issue 17 item 2).
        ask = ("rootcause", "--product", "ac-350", "--codes", "Ｅ４", "--text", "有声音")
        self.assertIn("提示：产品“ac-350”按“AC-350”处理", self.fg("--lang", "zh-CN", *ask))
        self.assertIn("提示：產品“ac-350”按“AC-350”處理", self.fg("--lang", "zh-TW", *ask))
        self.assertIn("note: product 'ac-350' read as 'AC-350'", self.fg("--lang", "en", *ask))

    def test_code_in_text_without_product(self):
        a = self.ask("--text", "显示E4")
        self.assertIn("AC-350:E4", a["symptoms"], a["notes"])
        self.assertEqual(a["components"][0]["component"], "FAN")

    # Issue 17 item 2: English headers and words for Chinese-speaking agents.
    # The language follows --lang, then FAULTGRAPH_LANG, then the locale.
    def test_answers_in_the_agents_language(self):
        ask = ("rootcause", "--product", "AC-350", "--text", "空调不制冷", "--top", "1")
        zh = self.fg("--lang", "zh-CN", *ask)
        for word in ("症状：", "置信度", "症状证据", "可能原因：", "答复 ", "不制冷 (no_cooling)",
                     "（本产品）", "原因（产品 AC-350，"):
            self.assertIn(word, zh)
        for word in ("symptoms:", "confidence", "likely causes:", "\nanswer ", "（product",
                     "（family"):
            self.assertNotIn(word, zh)
        tw = self.fg(*ask, lang={"LANG": "zh_TW.UTF-8"})
        self.assertIn("可能原因：", tw)
        self.assertIn("答覆 ", tw)  # traditional, made by OpenCC s2twp
        en = self.fg(*ask, lang={"LANG": "C.UTF-8"})
        self.assertIn("likely causes:", en)
        self.assertIn("no cooling (no_cooling)", en)
        self.assertIn("不製冷 (no_cooling)", tw)
        self.assertIn("confidence", en)

        # Causes by their names when the rules name them (issue 17): the
        # shipped rules plus a [[cause]] for this fixture's "wear".
        shipped = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "ops",
                               "config", "text_rules.toml")
        rules = os.path.join(self.tmp, "rules_with_causes.toml")
        with open(shipped, encoding="utf-8") as f, open(rules, "w", encoding="utf-8") as out:
            out.write(f.read() + '\n[[cause]]\nid = "wear"\nname = { en = "wear", zh-CN = "磨损" }\n')
        named = self.fg("--lang", "zh-CN", "--rules", rules, *ask)
        self.assertIn("可能原因：磨损 (wear) ", named)
        self.assertIn("可能原因：wear ", zh)  # without a name: the id
        self.assertIn("原因：磨损 (wear)", self.fg("--lang", "zh-CN", "--rules", rules, "case", "T001"))

        case = self.fg("case", "T001", lang={"FAULTGRAPH_LANG": "zh-CN"})
        self.assertIn("症状描述：空调不制冷", case)
        self.assertIn("产品：AC-350", case)
        search = self.fg("--lang", "zh-CN", "search", "不制冷", "--limit", "2")
        self.assertTrue(search.startswith("类型"), search)
        self.assertIn("条匹配", search)

        # KPIs say what they count (issue 17 item 5), in the reader's language.
        kpi = self.fg("kpi", "--by", "all", lang={"LANG": "C.UTF-8"})
        self.assertIn("need not add up to 100%", kpi)
        kpi_zh = self.fg("--lang", "zh-CN", "kpi", "--by", "all")
        self.assertIn("两者相加不必等于 100%", kpi_zh)
        # Headers and the names beside the definitions agree, in Chinese.
        self.assertEqual(kpi_zh.splitlines()[0].split()[:5], ["全部", "案例数", "结案", "一次修复率", "返修率"])
        self.assertIn("\n  一次修复率  ", kpi_zh)
        self.assertNotIn("first-time fix", kpi_zh)
        trends_zh = self.fg("--lang", "zh-CN", "trends")
        self.assertIn("次月度检验中有", trends_zh)
        self.assertNotIn("monthly tests", trends_zh)
        self.assertTrue(all(len(line) <= 100 for line in kpi.splitlines()[3:]), kpi)

        # Issue 19: "applied" summed past "records" with no word why.
        again = os.path.join(self.tmp, "again.csv")
        with open(again, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["ticket_no", "model", "opened_at", "symptom", "codes", "component", "cause"])
            w.writerow(["R000", "AC-350", "2024-08-01 10:00", "空调不制冷", "", "COMP", "wear"])
        self.fg("ingest", "--mapping", os.path.join(self.tmp, "tickets.toml"), again)
        with open(again, "a", encoding="utf-8", newline="") as f:
            csv.writer(f).writerow(["R000", "AC-350", "2024-08-01 10:00", "空调不制冷，已修",
                                    "", "COMP", "wear"])
        self.fg("ingest", "--mapping", os.path.join(self.tmp, "tickets.toml"), again)
        status = self.fg("status", lang={"LANG": "C.UTF-8"})
        self.assertIn("once per version (20 in all)", status)
        self.assertIn("每个版本计一次（共 20）", self.fg("--lang", "zh-CN", "status"))

        r = subprocess.run([CLI, "--data", self.data, "--lang", "fr", "status"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--lang is 'fr'; it must be zh-CN, zh-TW or en", r.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
