// Just enough XML for S3's small answers (ListObjectsV2, InitiateMultipartUpload, CopyPartResult,
// ListMultipartUploads, Error, STS's AssumeRoleWithWebIdentity): the text of named elements, with
// entities decoded. S3's answers have no mixed content and no element nested in one of its own
// name, which is all this relies on.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sicoop::storage {

// The raw (undecoded) content of every element named `tag`, in document order: to be searched
// again, e.g. each <Contents> of a listing.
std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag);

// The decoded text of the first element named `tag`, or nothing when there is none.
std::optional<std::string> XmlText(std::string_view xml, std::string_view tag);

// `text` with the five named entities and numeric character references decoded.
std::string XmlDecode(std::string_view text);
// `text` safe inside an element (&, <, > escaped).
std::string XmlEscape(std::string_view text);

}  // namespace sicoop::storage
