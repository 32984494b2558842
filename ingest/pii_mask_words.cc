// E-mails, plates, addresses and names in folded text
// (ingest/pii_mask_internal.h).
#include <re2/re2.h>

#include <algorithm>
#include <string>
#include <unordered_set>

#include "ingest/pii_mask_internal.h"

namespace faultgraph::ingest::pii {
namespace {

// Common Chinese surnames, simplified and traditional (about 99% of people).
constexpr const char* kSurnames =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱"
    "严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁"
    "尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时"
    "穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾"
    "隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
    "張劉陳楊黃趙吳孫馬鄭謝許韓馮鄧蔣葉蘇呂盧鍾譚陸賈韋鄒龍賀顧龔錢嚴湯溫聶莊魯歐關蘭紀畢"
    "駱藍靳鮑祁饒喬顏龐傅羅蕭範彭曾董袁潘蔡鐘";
constexpr const char* kCompoundSurnames[] = {"欧阳", "歐陽", "司马", "司馬", "上官",
                                             "诸葛", "諸葛", "东方", "東方", "皇甫",
                                             "尉迟", "公孙", "慕容", "令狐"};
// Surnames that are also common words before a name ("感谢王女士",
// "向李先生"): taken only right before the honorific.
constexpr const char* kWeakSurnames = "谢謝向和于於应應时時连連";
// Characters that end a name: verbs, particles and words that follow one.
constexpr const char* kNameStops =
    "说說称稱反表来來电電报報的在家处處打要已于於致投诉訴回和与與及等今昨上下讲講问問需希想请請对對"
    "了是有也都又再因所但而会會能将將把被让讓给給从從到向预預约約联聯话話手机機地址住姓名客户戶用"
    "反映称到电这這那其您你他她我们們已未申";
constexpr const char* kHonorifics[] = {"先生", "女士", "小姐", "师傅", "師傅",
                                       "经理", "經理", "太太", "老师", "老師"};
// Honorifics that make an unlabelled name ("王先生"); 老师 and 太太 are left
// to labels.
constexpr const char* kBareHonorifics[] = {"先生", "女士", "小姐", "师傅", "師傅", "经理", "經理"};

std::unordered_set<char32_t> CodePoints(std::string_view s) {
  std::unordered_set<char32_t> out;
  for (size_t p = 0; p < s.size(); p += Utf8Length(static_cast<unsigned char>(s[p]))) {
    out.insert(DecodeAt(s, p));
  }
  return out;
}

const std::unordered_set<char32_t>& Surnames() {
  static const auto* s = new std::unordered_set<char32_t>(CodePoints(kSurnames));
  return *s;
}
const std::unordered_set<char32_t>& WeakSurnames() {
  static const auto* s = new std::unordered_set<char32_t>(CodePoints(kWeakSurnames));
  return *s;
}
const std::unordered_set<char32_t>& NameStops() {
  static const auto* s = new std::unordered_set<char32_t>(CodePoints(kNameStops));
  return *s;
}

// Words that start with a surname but follow 客户/用户 as words ("客户安装的",
// "用户方面"): not names.
constexpr const char* kNotNames[] = {
    "安装", "安裝", "方面", "方便", "高压", "高壓", "高温", "高溫", "温度", "溫度", "关机",
    "關機", "关闭", "關閉", "时间", "時間", "连接", "連接", "申请", "申請", "明天", "常常",
    "全部", "应该", "應該", "马上", "馬上", "程序", "费用", "費用", "解决", "解決", "管道",
    "包括", "金额", "金額", "成功", "车辆", "車輛", "单位", "單位", "季度", "华为", "華為",
    "文件", "于是", "向来", "和我", "任何", "叶片", "葉片", "宁可", "尚未", "易于", "曾经",
    "曾經", "万一", "萬一", "齐全", "齊全", "周末", "周围", "周圍", "毛病", "段时", "路由"};

size_t HonorificAt(std::string_view text, size_t pos) {
  for (const char* h : kHonorifics) {
    if (text.substr(pos).starts_with(h)) return std::char_traits<char>::length(h);
  }
  return 0;
}

// Length of the surname at `pos` (compound first), or 0.
size_t SurnameAt(std::string_view text, size_t pos) {
  for (const char* s : kCompoundSurnames) {
    if (text.substr(pos).starts_with(s)) return std::char_traits<char>::length(s);
  }
  if (pos < text.size() && Surnames().count(DecodeAt(text, pos)) > 0) {
    return Utf8Length(static_cast<unsigned char>(text[pos]));
  }
  return 0;
}

// A Chinese name at `pos`: surname, up to two given characters, an optional
// honorific; a surname alone only when `alone` (after "姓名："). Returns its
// end, or `pos` when there is none.
size_t ParseHanName(std::string_view text, size_t pos, bool alone = false) {
  size_t s = SurnameAt(text, pos);
  if (s == 0) return pos;
  for (const char* w : kNotNames) {
    if (text.substr(pos).starts_with(w)) return pos;
  }
  size_t p = pos + s, given = 0;
  while (given < 2 && p < text.size() && HonorificAt(text, p) == 0) {
    char32_t c = DecodeAt(text, p);
    if (!IsHan(c) || NameStops().count(c) > 0) break;
    p += Utf8Length(static_cast<unsigned char>(text[p]));
    ++given;
  }
  size_t h = p < text.size() ? HonorificAt(text, p) : 0;
  if (given == 0 && h == 0 && !(alone && (p >= text.size() || !IsHan(DecodeAt(text, p))))) {
    return pos;
  }
  return p + h;
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

// Latin name words at `pos` (capitalised or all capitals, up to three).
size_t ParseLatinName(std::string_view text, size_t pos) {
  size_t p = pos, end = pos;
  for (int words = 0; words < 3; ++words) {
    if (p >= text.size() || !IsUpper(text[p])) break;
    size_t q = p + 1;
    while (q < text.size() && (IsAsciiAlpha(text[q]) || text[q] == '\'' || text[q] == '-')) ++q;
    if (q < text.size() && text[q] == ':') break;  // the next label ("Mobile:")
    end = q;
    if (q + 1 < text.size() && text[q] == ' ' && IsUpper(text[q + 1])) {
      p = q + 1;
    } else {
      break;
    }
  }
  return end;
}

// Skips a title ("Mr.", "Ms ") at pos.
size_t SkipTitle(std::string_view text, size_t pos) {
  static constexpr const char* kTitles[] = {"Mrs", "Mr", "Ms", "Miss", "Dr"};
  for (const char* t : kTitles) {
    size_t n = std::char_traits<char>::length(t);
    if (!text.substr(pos).starts_with(t)) continue;
    size_t p = pos + n;
    if (p < text.size() && text[p] == '.') ++p;
    if (p < text.size() && text[p] == ' ') {
      while (p < text.size() && text[p] == ' ') ++p;
      return p;
    }
  }
  return pos;
}

void AddRegexMatches(const re2::RE2& re, std::string_view text, PiiClass cls,
                     std::vector<Candidate>* out) {
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece match;
  while (re2::RE2::FindAndConsume(&input, re, &match)) {
    if (match.empty()) {
      if (input.empty()) break;
      input.remove_prefix(1);
      continue;
    }
    size_t begin = static_cast<size_t>(match.data() - text.data());
    out->push_back({begin, begin + match.size(), cls});
  }
}

}  // namespace

std::string EmailPattern() {
  const std::string local = R"([A-Za-z0-9][A-Za-z0-9._%+-]*)";
  const std::string label = R"([A-Za-z0-9-]+)";
  const std::string tld = R"((?:com|cn|net|org|edu|gov|io|hk|tw|co|info|biz|me|mo|sg|uk|de|jp))";
  const std::string at = R"((?:\s?@\s?|\s*(?:\[at\]|\(at\)|\{at\}|<at>|\[@\]|\(@\))\s*))";
  const std::string dot = R"((?:\.|\s*(?:\[dot\]|\(dot\)|\{dot\}|<dot>)\s*))";
  return "(" + local + at + label + "(?:" + dot + label + ")*" + dot + "[A-Za-z]{2,}" + "|" +
         local + "(?: at | AT |#)" + label + "(?:(?: dot | DOT |\\.)" + label + ")*" +
         "(?: dot | DOT |\\.)" + tld + ")\\b";
}

std::string PlatePattern() {
  return "([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z]"
         "(?: ?·? ?|-)[A-HJ-NP-Z0-9]{5,6})";
}

std::string ChineseAddressPattern() {
  const std::string units =
      R"((?:\s*[0-9]+(?:-[0-9]+)?\s*(?:号楼|號樓|栋|棟|幢|座|单元|單元|层|層|楼|樓|室|号|號|户|戶|[Ff]\b)))";
  return "(\\p{Han}{1,10}(?:路|街|道|巷|弄|胡同|里)(?:[一二三四五六七八九十]段)?\\s*[0-9]+(?:-[0-9]"
         "+)?"
         "\\s*(?:号|號|弄)(?:院)?" +
         units + "*" +
         "|\\p{Han}{1,10}(?:小区|小區|花园|花園|园|園|公寓|大厦|大廈|新村|苑|城|府|庭|广场|廣場|湾|"
         "灣)\\s*" +
         units + "+" + "|[0-9]+\\s*(?:号楼|號樓|栋|棟|幢)\\s*[0-9]+\\s*(?:单元|單元)" + units +
         "*)";
}

std::string EnglishAddressPattern() {
  const std::string street =
      R"((?:[A-Z][a-z]+(?:'s)? ){1,3}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Highway|Hwy|Lu|Jie)\b\.?)";
  return R"(((?:(?:Room|Rm|Flat|Apt|Unit)\.? ?[0-9]+[A-Z]?, ?)?(?:No\. ?)?[0-9]{1,5}[A-Z]?,? )" +
         street + "|" + street + R"(,? No\. ?[0-9]{1,5}))";
}

std::string TitledNamePattern() {
  return R"(\b(?:Mrs|Mr|Ms|Miss|Dr)\.? +([A-Z][A-Za-z'-]+(?: [A-Z][A-Za-z'-]+)?))";
}

std::string LabelPattern(const std::vector<std::string>& labels) {
  std::vector<std::string> folded;
  for (const auto& l : labels) {
    Folded f = Fold(l);
    if (!f.text.empty()) folded.push_back(f.text);
  }
  // Longest first: "联系人姓名" before "联系人".
  std::sort(folded.begin(), folded.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string alternatives;
  for (const auto& label : folded) {
    std::string one;
    bool ascii = IsAsciiAlpha(label[0]);
    for (size_t p = 0; p < label.size();) {
      size_t n = Utf8Length(static_cast<unsigned char>(label[p]));
      if (label[p] == ' ') {
        one += "\\s+";
      } else {
        if (!one.empty() && n > 1) one += "\\s*";  // "姓 名"
        one += re2::RE2::QuoteMeta(label.substr(p, n));
      }
      p += n;
    }
    if (ascii) one = "\\b" + one;
    alternatives += (alternatives.empty() ? "" : "|") + one;
  }
  if (alternatives.empty()) return "";
  return "(?i)(" + alternatives + ")";
}

void FindEmails(const re2::RE2& re, std::string_view folded, std::vector<Candidate>* out) {
  if (folded.find('@') == std::string_view::npos && folded.find(" at ") == std::string_view::npos &&
      folded.find("at]") == std::string_view::npos &&
      folded.find("at)") == std::string_view::npos && folded.find('#') == std::string_view::npos &&
      folded.find("AT") == std::string_view::npos && folded.find("at}") == std::string_view::npos &&
      folded.find("at>") == std::string_view::npos) {
    return;
  }
  AddRegexMatches(re, folded, PiiClass::kEmail, out);
}

// True when any of `needles` occurs in `text` (a cheap test before a regex).
bool ContainsAny(std::string_view text, std::initializer_list<std::string_view> needles) {
  for (auto n : needles) {
    if (text.find(n) != std::string_view::npos) return true;
  }
  return false;
}

void FindPlates(const re2::RE2& re, std::string_view folded, std::vector<Candidate>* out) {
  // A plate starts with a Chinese character right before a capital letter.
  bool maybe = false;
  for (size_t i = 3; i < folded.size() && !maybe; ++i) {
    maybe =
        folded[i] >= 'A' && folded[i] <= 'Z' && static_cast<unsigned char>(folded[i - 3]) >= 0xE0;
  }
  if (!maybe) return;
  std::vector<Candidate> found;
  AddRegexMatches(re, folded, PiiClass::kPlate, &found);
  for (auto c : found) {
    // Not glued to more letters or digits; at least one digit; six
    // characters only for new-energy plates (D/F first or last).
    if (c.end < folded.size() && (IsAsciiAlpha(folded[c.end]) || IsAsciiDigit(folded[c.end]))) {
      continue;
    }
    std::string tail;
    for (size_t p = c.begin + 3; p < c.end; ++p) {
      if (IsAsciiAlpha(folded[p]) || IsAsciiDigit(folded[p])) tail.push_back(folded[p]);
    }
    tail = tail.substr(1);  // the city letter
    int digits = static_cast<int>(std::count_if(tail.begin(), tail.end(), IsAsciiDigit));
    if (digits < 3) continue;
    if (tail.size() == 6 && !(tail[0] == 'D' || tail[0] == 'F' || tail[5] == 'D' || tail[5] == 'F'))
      continue;
    out->push_back(c);
  }
}

constexpr const char* kRoadWords[] = {
    "路",   "街",   "道", "巷", "弄", "胡同", "里", "小区", "小區", "花园", "花園", "公寓", "大厦",
    "大廈", "新村", "园", "園", "苑", "城",   "府", "庭",   "广场", "廣場", "湾",   "灣"};

void FindAddresses(const re2::RE2& zh, const re2::RE2& en, std::string_view folded,
                   std::vector<Candidate>* out) {
  static const std::unordered_set<char32_t> kBoundary = CodePoints(
      "市区區县縣省镇鎮乡鄉在住址于於到至是为為的从從往去近旁号號室楼樓家里裡说說寄送搬来來回");
  std::vector<Candidate> found;
  if (ContainsAny(folded, {"号", "號", "弄", "栋", "棟", "幢", "座", "层", "層", "楼", "樓", "室",
                           "户", "戶", "单元", "單元"})) {
    AddRegexMatches(zh, folded, PiiClass::kAddress, &found);
  }
  for (auto c : found) {
    // The regex starts as far left as Han characters go: walk the road's
    // name back from its suffix instead, at most eight characters, up to a
    // district, city or a word such as 住/在.
    if (!IsHan(DecodeAt(folded, c.begin))) {
      out->push_back(c);
      continue;
    }
    // The road word is the last one in the leading Han run ("中关村大街").
    size_t han_end = c.begin;
    while (han_end < c.end && IsHan(DecodeAt(folded, han_end))) han_end += 3;
    size_t road = c.begin;
    for (size_t p = c.begin; p < han_end; p += 3) {
      for (const char* word : kRoadWords) {
        if (folded.substr(p).starts_with(word)) road = p;
      }
    }
    size_t start = road;
    for (int k = 0; k < 6 && start > c.begin; ++k) {
      size_t prev = start - 3;
      // 市 ends a city ("深圳市"), not an estate's name ("万科城市花园").
      bool city = folded.substr(prev).starts_with("市") && prev >= 3 &&
                  !folded.substr(prev - 3).starts_with("城");
      if (kBoundary.count(DecodeAt(folded, prev)) > 0 &&
          (city || !folded.substr(prev).starts_with("市"))) {
        break;
      }
      start = prev;
    }
    if (start == road) continue;  // no name before 路
    out->push_back({start, c.end, PiiClass::kAddress});
  }
  if (ContainsAny(folded, {"Road", "Rd", "St", "Ave", "Lane", "Ln", "Blvd", "Boulevard", "Drive",
                           "Highway", "Hwy", "Lu", "Jie"})) {
    AddRegexMatches(en, folded, PiiClass::kAddress, out);
  }
}

void FindNames(const re2::RE2* labels, const re2::RE2& titled, std::string_view folded,
               std::vector<Candidate>* out) {
  // After a label.
  if (labels != nullptr) {
    re2::StringPiece input(folded.data(), folded.size());
    re2::StringPiece match;
    while (re2::RE2::FindAndConsume(&input, *labels, &match)) {
      size_t p = static_cast<size_t>(match.data() - folded.data()) + match.size();
      bool ascii_label = IsAsciiAlpha(match[0]);
      while (p < folded.size() && folded[p] == ' ') ++p;
      bool colon = false;
      if (p < folded.size() && (folded[p] == ':' || folded[p] == '=')) {
        colon = true;
        ++p;
      } else if (folded.substr(p).starts_with("为") || folded.substr(p).starts_with("為") ||
                 folded.substr(p).starts_with("是")) {
        p += 3;
      }
      while (p < folded.size() && folded[p] == ' ') ++p;
      size_t end = ParseHanName(folded, p, colon);
      if (end == p && (colon || !ascii_label)) {
        size_t q = SkipTitle(folded, p);
        if (colon || q != p) {
          end = ParseLatinName(folded, q);
          if (end != q) p = q;
        }
      }
      if (end > p) {
        out->push_back({p, end, PiiClass::kName});
        input = re2::StringPiece(folded.data() + end, folded.size() - end);
      }
    }
  }
  // After a title; "Mr. Wang's" without its "'s".
  size_t titled_from = out->size();
  if (ContainsAny(folded, {"Mr", "Ms", "Miss", "Dr"})) {
    AddRegexMatches(titled, folded, PiiClass::kName, out);
  }
  for (size_t k = titled_from; k < out->size(); ++k) {
    Candidate& c = (*out)[k];
    if (c.end - c.begin > 3 && folded.substr(c.end - 2, 2) == "'s") c.end -= 2;
  }
  // Before an honorific, with no label.
  for (const char* h : kBareHonorifics) {
    for (size_t at = folded.find(h); at != std::string_view::npos; at = folded.find(h, at + 3)) {
      bool master = std::string_view(h) == "师傅" || std::string_view(h) == "師傅";
      size_t best = at;
      // Up to two given characters between surname and honorific.
      for (int given = master ? 0 : 2; given >= 0; --given) {
        size_t start = at;
        bool ok = true;
        for (int k = 0; k <= given && ok; ++k) {
          if (start < 3) {
            ok = false;
            break;
          }
          start -= 3;
          char32_t c = DecodeAt(folded, start);
          ok = IsHan(c) && (k == given || NameStops().count(c) == 0);
        }
        if (!ok) continue;
        size_t s = SurnameAt(folded, start);
        if (start >= 3 && SurnameAt(folded, start - 3) == 6) {
          start -= 3;  // 欧阳
          s = 6;
        }
        if (s == 0 || (given > 0 && WeakSurnames().count(DecodeAt(folded, start)) > 0)) continue;
        best = start;
        break;
      }
      if (best < at)
        out->push_back({best, at + std::char_traits<char>::length(h), PiiClass::kName});
    }
  }
}

}  // namespace faultgraph::ingest::pii
