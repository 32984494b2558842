// Phones, resident IDs and bank cards in folded text. The text is cut into
// runs: digit groups joined by up to three of ' ', '-', '.', with an
// optional leading '+' and groups in parentheses ("(010) 6234 5678").
// Within a run, consecutive groups are tried longest first from each start,
// so a date followed by a phone ("2024-03-01 13812345678") still yields the
// phone, and a landline's extension ("010-62345678-8021") is left out.
#include <array>
#include <cstring>

#include "ingest/pii_mask_internal.h"

namespace faultgraph::ingest {

using pii::IsAsciiDigit;

bool IsValidResidentId(std::string_view id) {
  if (id.size() != 18) return false;
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    if (!IsAsciiDigit(id[i])) return false;
    sum += (id[i] - '0') * kWeights[i];
  }
  char c = id[17] == 'x' ? 'X' : id[17];
  return c == kCheck[sum % 11];
}

bool IsLuhnValid(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (size_t k = digits.size(); k-- > 0;) {
    if (!IsAsciiDigit(digits[k])) return false;
    int v = digits[k] - '0';
    if (twice) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
    twice = !twice;
  }
  return !digits.empty() && sum % 10 == 0;
}

namespace pii {
namespace {

struct Group {
  size_t begin;  // first digit
  size_t end;    // after the last digit
  bool paren;    // written in parentheses
};

struct Run {
  size_t begin = 0;  // '+' or '(' included
  size_t end = 0;
  bool plus = false;
  bool x_suffix = false;  // an 'X' right after the last group (ID check character)
  std::vector<Group> groups;
  std::string digits;           // all groups' digits
  std::vector<size_t> offsets;  // where group k starts in `digits`; one more at the end
};

bool EndsWithInsensitive(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  std::string_view tail = s.substr(s.size() - suffix.size());
  for (size_t i = 0; i < suffix.size(); ++i) {
    char a = tail[i], b = suffix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

// The text before `pos` without the spaces, colons and '#' that sit
// between a label and its number.
std::string_view BeforeLabel(std::string_view text, size_t pos) {
  size_t p = pos;
  while (p > 0 && (text[p - 1] == ' ' || text[p - 1] == ':' || text[p - 1] == '#' ||
                   text[p - 1] == '.' || text[p - 1] == '=')) {
    --p;
  }
  // "手机号码为"
  if (p >= 3 && (text.substr(p - 3, 3) == "为" || text.substr(p - 3, 3) == "為" ||
                 text.substr(p - 3, 3) == "是")) {
    p -= 3;
  }
  return text.substr(0, p);
}

constexpr std::array<const char*, 32> kPhoneLabels = {
    "电话",           "電話",        "手机",     "手機",     "手机号",   "手機號",
    "座机",           "座機",        "固话",     "固話",     "电话号码", "電話號碼",
    "手机号码",       "手機號碼",    "联系方式", "聯繫方式", "聯絡方式", "微信",
    "传真",           "傳真",        "tel",      "phone",    "mobile",   "mob",
    "cell",           "call",        "ph",       "whatsapp", "wechat",   "fax",
    "contact number", "phone number"};

bool HasPhoneLabel(std::string_view text, size_t run_begin) {
  std::string_view before = BeforeLabel(text, run_begin);
  for (const char* label : kPhoneLabels) {
    if (EndsWithInsensitive(before, label)) return true;
  }
  return false;
}

constexpr std::array<const char*, 24> kOrderLabels = {
    "订单", "訂單", "单号",     "單號",   "order",  "invoice", "发票", "發票",
    "运单", "運單", "tracking", "工单",   "工單",   "流水",    "批次", "batch",
    "lot",  "sn",   "serial",   "序列号", "序列號", "s/n",     "no",   "ref"};

bool HasOrderLabel(std::string_view text, size_t run_begin) {
  std::string_view before = BeforeLabel(text, run_begin);
  for (const char* label : kOrderLabels) {
    if (EndsWithInsensitive(before, label)) return true;
  }
  return false;
}

// Letters right before a run that still let it be a phone ("Tel138...").
bool IsPhoneWord(std::string_view word) {
  static constexpr const char* kWords[] = {"tel", "phone", "mobile",  "mob", "cell",
                                           "ph",  "hp",    "call",    "m",   "t",
                                           "no",  "fax",   "whatsapp"};
  for (const char* w : kWords) {
    if (word.size() == std::strlen(w) && EndsWithInsensitive(word, w)) return true;
  }
  return false;
}

// The ASCII letters that end right before `pos`.
std::string_view WordBefore(std::string_view text, size_t pos) {
  size_t p = pos;
  while (p > 0 && IsAsciiAlpha(text[p - 1])) --p;
  return text.substr(p, pos - p);
}

bool ValidDate(int y, int m, int d) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return y >= 1900 && y <= 2030 && m >= 1 && m <= 12 && d >= 1 && d <= kDays[m - 1];
}

int Num(std::string_view d, size_t pos, size_t len) {
  int v = 0;
  for (size_t i = 0; i < len; ++i) v = v * 10 + (d[pos + i] - '0');
  return v;
}

bool ValidRegion(std::string_view d) {
  static const int kProvinces[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
                                   35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
                                   53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91};
  int p = Num(d, 0, 2);
  for (int k : kProvinces) {
    if (k == p) return true;
  }
  return false;
}

bool IsResidentId(std::string_view d) {
  if (d.size() == 18) {
    return ValidRegion(d) && ValidDate(Num(d, 6, 4), Num(d, 10, 2), Num(d, 12, 2)) &&
           IsValidResidentId(d);
  }
  if (d.size() == 15) {
    for (char c : d) {
      if (!IsAsciiDigit(c)) return false;
    }
    return ValidRegion(d) && ValidDate(1900 + Num(d, 6, 2), Num(d, 8, 2), Num(d, 10, 2));
  }
  return false;
}

// A known issuer prefix with one of its lengths: UnionPay, Visa, Mastercard,
// American Express, JCB, Discover, Diners.
bool IsCardIssuer(std::string_view d) {
  size_t n = d.size();
  int p2 = Num(d, 0, 2), p4 = Num(d, 0, 4);
  if (p2 == 62 || p2 == 81) return n >= 16 && n <= 19;
  if (d[0] == '4') return n == 13 || n == 16 || n == 19;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n == 16;
  if (p2 == 34 || p2 == 37) return n == 15;
  if (p2 == 35 || p4 == 6011 || p2 == 65) return n >= 16 && n <= 19;
  if (p2 == 30 || p2 == 36 || p2 == 38) return n >= 14 && n <= 16;
  return false;
}

// Groups of four (the last shorter), 4-6-4/5, 6-rest, or one group.
bool CardLayout(const Run& run, size_t i, size_t j) {
  size_t n = j - i;
  if (n == 1) return true;
  auto len = [&](size_t k) { return run.groups[i + k].end - run.groups[i + k].begin; };
  bool fours = true;
  for (size_t k = 0; k + 1 < n; ++k) fours = fours && len(k) == 4;
  if (fours && len(n - 1) <= 4) return true;
  if (n == 3 && len(0) == 4 && len(1) == 6) return true;
  return n == 2 && len(0) == 6;
}

bool IsMobile(std::string_view d) { return d.size() == 11 && d[0] == '1' && d[1] >= '3'; }

// Mainland area code length of a number starting with '0', or 0.
size_t AreaCodeLength(std::string_view d) {
  if (d.size() < 3 || d[0] != '0' || d[1] == '0') return 0;
  if (d[1] == '1') return d[2] == '0' ? 3 : 0;
  if (d[1] == '2') return 3;
  return 4;
}

bool IsLandline(std::string_view d, size_t area) {
  if (area == 0 || d.size() < area + 7 || d.size() > area + 8) return false;
  return d[area] != '0';
}

struct Classified {
  bool ok = false;
  PiiClass cls = PiiClass::kPhone;
  int head = 0, tail = 0;
};

// Keeps the country and area code and the last digits; at least four stay starred.
Classified Phone(size_t digits, size_t head, size_t tail) {
  if (tail > 4) tail = 4;
  while (head > 0 && head + tail + 4 > digits) --head;
  while (tail > 0 && head + tail + 4 > digits) --tail;
  return {true, PiiClass::kPhone, static_cast<int>(head), static_cast<int>(tail)};
}

// `by_label`: also take any 7-15 digits after a phone label (tried only
// when no range from this start has a shape of its own).
Classified Classify(std::string_view text, const Run& run, size_t i, size_t j, bool by_label) {
  // run.digits holds the groups' digits; run.offsets where each group starts there.
  std::string_view d =
      std::string_view(run.digits).substr(run.offsets[i], run.offsets[j] - run.offsets[i]);
  auto glen = [&](size_t k) { return run.groups[k].end - run.groups[k].begin; };
  bool whole_tail = j == run.groups.size();
  size_t n = d.size();
  if (whole_tail && run.x_suffix && n == 17) {
    std::string with_x = std::string(d) + "X";
    if (IsResidentId(with_x)) return {true, PiiClass::kId, 3, 4};
  }
  if (IsResidentId(d)) return {true, PiiClass::kId, 3, 4};
  if (n >= 13 && n <= 19 && IsCardIssuer(d) && IsLuhnValid(d) && CardLayout(run, i, j) &&
      !HasOrderLabel(text, run.groups[i].begin)) {
    return {true, PiiClass::kCard, 4, 4};
  }
  // International: '+' and a country code.
  if (i == 0 && run.plus && n >= 8 && n <= 15) {
    size_t cc = glen(0) <= 3 && j > 1 ? glen(0) : (d.starts_with("86") ? 2 : 1);
    std::string_view rest = std::string_view(d).substr(cc);
    if (d.starts_with("86") && cc == 2 && IsMobile(rest)) return Phone(n, cc + 3, 4);
    size_t area = j > i + 1 && glen(1) <= 4 && j > 2 ? glen(1) : 0;
    if (d.starts_with("86") && cc == 2) area = rest.starts_with("10") || rest[0] == '2' ? 2 : 3;
    return Phone(n, cc + area, 4);
  }
  // 0086 and 86 written without '+'.
  if (d.starts_with("0086") && (glen(i) == 4 || j == i + 1 || glen(i) >= 7)) {
    std::string_view rest = std::string_view(d).substr(4);
    if (IsMobile(rest)) return Phone(n, 7, 4);
    std::string zero = "0" + std::string(rest);
    if (IsLandline(zero, AreaCodeLength(zero))) return Phone(n, 4 + AreaCodeLength(zero) - 1, 4);
  }
  if (n == 13 && d.starts_with("86") && IsMobile(std::string_view(d).substr(2)) &&
      (j == i + 1 || glen(i) == 2)) {
    return Phone(n, 5, 4);
  }
  if (IsMobile(d)) return Phone(n, 3, 4);
  size_t area = AreaCodeLength(d);
  if (IsLandline(d, area) && (j == i + 1 || glen(i) == area || glen(i) == area + 4)) {
    return Phone(n, area, 4);
  }
  // Taiwan mobiles (0912-345-678).
  if (n == 10 && d.starts_with("09")) return Phone(n, 4, 3);
  // Anything of phone length after a phone label: HK 9123 4567, (415) 555-0132.
  // Not 400/800 numbers: those are companies' service lines.
  bool service = n == 10 && (d.starts_with("400") || d.starts_with("800"));
  if (by_label && i == 0 && n >= 7 && n <= 15 && !service && HasPhoneLabel(text, run.begin)) {
    return Phone(n, n >= 10 ? 3 : 0, n >= 10 ? 4 : 2);
  }
  return {};
}

// Reads the run starting at `pos` (a digit, '+' or '('); returns false
// when there is none.
bool ReadRun(std::string_view text, size_t pos, Run* run) {
  run->begin = pos;
  run->groups.clear();
  run->plus = false;
  run->x_suffix = false;
  size_t p = pos;
  while (true) {
    bool paren = false;
    size_t start = p;
    if (p < text.size() && text[p] == '(') {
      paren = true;
      ++p;
    }
    if (p < text.size() && text[p] == '+' && (run->groups.empty())) {
      run->plus = true;
      ++p;
    }
    size_t digits = p;
    while (p < text.size() && IsAsciiDigit(text[p])) ++p;
    if (p == digits) {
      if (run->groups.empty()) return false;
      p = start;
      break;
    }
    Group g{digits, p, paren};
    if (paren) {
      if (p < text.size() && text[p] == ')') {
        ++p;
      } else {
        g.paren = false;  // "(138 ..." without a closing one
      }
    }
    run->groups.push_back(g);
    run->end = p;
    // Separator: up to three of ' ', '-', '.', then a digit, '(' or '+'.
    size_t q = p;
    while (q < text.size() && q - p < 3 && (text[q] == ' ' || text[q] == '-' || text[q] == '.')) {
      ++q;
    }
    // No separator: only after ')' or before '(' ("(010)62345678").
    if (q == p && !g.paren && !(q < text.size() && text[q] == '(')) break;
    if (q < text.size() && (IsAsciiDigit(text[q]) || text[q] == '(')) {
      p = q;
      continue;
    }
    break;
  }
  run->digits.clear();
  run->offsets.clear();
  for (const Group& g : run->groups) {
    run->offsets.push_back(run->digits.size());
    run->digits.append(text.substr(g.begin, g.end - g.begin));
  }
  run->offsets.push_back(run->digits.size());
  if (run->end < text.size() && (text[run->end] == 'X' || text[run->end] == 'x') &&
      (run->end + 1 == text.size() || !IsAsciiDigit(text[run->end + 1]))) {
    bool alone = run->end + 1 == text.size() || !IsAsciiAlpha(text[run->end + 1]);
    run->x_suffix = alone;
  }
  return true;
}

}  // namespace

void FindNumbers(std::string_view text, std::vector<Candidate>* out) {
  Run run;
  size_t pos = 0;
  while (pos < text.size()) {
    char c = text[pos];
    bool start = IsAsciiDigit(c) || ((c == '+' || c == '(') && pos + 1 < text.size() &&
                                     (IsAsciiDigit(text[pos + 1]) || text[pos + 1] == '+'));
    if (!start || !ReadRun(text, pos, &run)) {
      pos += Utf8Length(static_cast<unsigned char>(c));
      continue;
    }
    pos = run.end + (run.x_suffix ? 1 : 0);
    size_t first = 0, last = run.groups.size();
    // Digits glued to letters belong to a code, serial, model or unit
    // (AC00001898, SN-2023-000123, KFR-35GW, 220V), unless the letters are
    // a phone label (Tel138..., T:).
    size_t before = run.begin;
    if (before > 0 &&
        (text[before - 1] == '-' || text[before - 1] == '_' || text[before - 1] == '/' ||
         text[before - 1] == '.') &&
        before > 1 && (IsAsciiAlpha(text[before - 2]) || IsAsciiDigit(text[before - 2]))) {
      --before;
    }
    if (before > 0 && IsAsciiAlpha(text[before - 1]) && !IsPhoneWord(WordBefore(text, before))) {
      first = 1;
    }
    if (!run.x_suffix && run.end < text.size()) {
      char after = text[run.end];
      bool extension = (after == 'x' || after == 'X') && run.end + 1 < text.size() &&
                       IsAsciiDigit(text[run.end + 1]);
      if ((IsAsciiAlpha(after) && !extension) || after == '%' ||
          text.substr(run.end).starts_with("°")) {
        --last;
      }
    }
    for (size_t i = first; i < last;) {
      bool found = false;
      for (size_t tries = 0; tries < 2 * (last - i) && !found; ++tries) {
        bool by_label = tries >= last - i;
        size_t j = last - tries % (last - i);
        Classified k = Classify(text, run, i, j, by_label);
        if (!k.ok) continue;
        Candidate cand{run.groups[i].begin, run.groups[j - 1].end, k.cls, k.head, k.tail};
        if (i == 0) cand.begin = run.begin;  // the '+' or '('
        if (run.groups[i].paren && cand.begin > 0 && text[cand.begin - 1] == '(') --cand.begin;
        if (j == run.groups.size() && run.x_suffix && k.cls == PiiClass::kId) ++cand.end;
        out->push_back(cand);
        i = j;
        found = true;
      }
      if (!found) ++i;
    }
  }
}

}  // namespace pii
}  // namespace faultgraph::ingest
