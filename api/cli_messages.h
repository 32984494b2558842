// The CLI's message catalogue (issue 17, item 2): the labels, headers,
// confidence words and sentences the faultgraph CLI prints for people, in
// English, simplified Chinese (zh-CN) and traditional Chinese (zh-TW).
//
// A message is looked up by its English text, which is also what English
// prints; "{0}", "{1}", ... are filled by Fill(), so that a translation may
// put them in its own order. The catalogue holds English and simplified
// Chinese; traditional Chinese is made from the simplified text by OpenCC's
// s2twp (Taiwan standard with its phrases: 配件 -> 配件, 软件 -> 軟體), once
// per message. A message not in the catalogue prints in English.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace faultgraph::cli {

enum class Lang { kEn, kZhCN, kZhTW };

// The language a tag names: "zh-CN", "zh_CN.UTF-8", "zh-Hans", "zh" ->
// kZhCN; "zh-TW", "zh_HK", "zh-Hant" -> kZhTW; "en", "C", "POSIX", "en_US" ->
// kEn. False for anything else (the caller says what was wrong).
bool ParseLang(std::string_view tag, Lang* out);

// The language to print in: `flag` (--lang) when given, else
// $FAULTGRAPH_LANG, else the locale ($LC_ALL, $LC_MESSAGES, $LANG, the
// first one set); English when none names a language this knows. An unknown
// --lang or $FAULTGRAPH_LANG is an error: *error says which and why.
Lang ChooseLang(std::string_view flag, std::string* error);

// The language Tr prints in (English until set).
void SetLang(Lang lang);
Lang CurrentLang();

// `en` in the current language.
std::string Tr(std::string_view en);
// `text` with "{0}", "{1}", ... replaced by `args` in order.
std::string Fill(std::string_view text, std::initializer_list<std::string_view> args);
// Simplified Chinese text (a display name from the rules or master data)
// in the current script: as is for zh-CN, by OpenCC s2twp for zh-TW.
std::string FromSimplified(std::string_view zh_cn);
// Tr then Fill.
std::string TrF(std::string_view en, std::initializer_list<std::string_view> args);
// A word a source or the server sends (a run's status, a case's status) in
// the current language, looked up as "<context> <word>" so that the same
// English word may read differently by context ("failed": a run 失败, a fix
// 无效); the word itself when the catalogue has no such entry.
std::string TrWord(std::string_view context, const std::string& word);
// Each of `en` in the current language (a table's headers).
std::vector<std::string> TrAll(std::initializer_list<std::string_view> en);
// The same with arguments that come in a list (a message the server sent
// as English text and its arguments, e.g. an answer's notes).
std::string TrArgs(std::string_view en, const std::vector<std::string>& args);

}  // namespace faultgraph::cli
