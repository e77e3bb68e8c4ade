#include "storage/s3_client.h"

#include <curl/curl.h>

#include <chrono>
#include <ctime>
#include <map>
#include <thread>

#include "common/numbers.h"
#include "storage/http.h"
#include "storage/s3_url.h"
#include "storage/xml.h"

namespace sicoop::storage {
namespace {

// libcurl 7.88 puts into the signature the payload hash it is given in this header (it computes
// none itself), and S3 refuses a signed request without it. S3 takes a body unsigned (its hash
// would mean reading it twice); a body-less request is signed with the empty body's hash.
constexpr char kUnsignedPayload[] = "x-amz-content-sha256: UNSIGNED-PAYLOAD";
constexpr char kEmptyPayload[] =
    "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// A request S3 answered with a server error or that did not complete is tried this many times in
// all, when repeating it cannot change the outcome.
constexpr int kAttempts = 3;

// How a request may be repeated after a server error or a broken transfer.
enum class Retry { kNever, kIdempotent };

struct Call {
  std::string operation;  // S3's name for it: "PutObject", ...
  std::string bucket;
  std::string key;
  HttpRequest request;
  Retry retry = Retry::kNever;
};

class CurlS3Client final : public S3Client {
 public:
  CurlS3Client(S3Settings settings, Endpoint endpoint, S3Credentials credentials)
      : settings_(std::move(settings)), endpoint_(std::move(endpoint)), credentials_(std::move(credentials)) {}

  Status CheckBucket(const std::string& bucket, const std::string& prefix) override {
    Call call = NewCall("ListObjectsV2", "GET", bucket, "",
                        {{"list-type", "2"}, {"max-keys", "1"}, {"prefix", prefix.empty() ? "" : prefix + "/"}});
    call.retry = Retry::kIdempotent;
    return Send(call).status();
  }

  Result<std::vector<ObjectInfo>> List(const std::string& bucket, const std::string& prefix) override {
    std::vector<ObjectInfo> objects;
    std::string token;
    while (true) {
      std::map<std::string, std::string> query{{"list-type", "2"}, {"prefix", prefix}};
      if (!token.empty()) query["continuation-token"] = token;
      Call call = NewCall("ListObjectsV2", "GET", bucket, prefix, query);
      call.retry = Retry::kIdempotent;
      SICOOP_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
      for (std::string_view contents : XmlElements(response.body, "Contents")) {
        ObjectInfo object;
        object.key = XmlText(contents, "Key").value_or("");
        object.size = ParseInteger(XmlText(contents, "Size").value_or("0")).value_or(-1);
        if (object.size < 0) {
          return Status::Failure("S3 ListObjectsV2 of s3a://" + bucket + "/" + prefix + " gave " + object.key +
                                 " a size that is not a number: is " + settings_.endpoint + " an S3 server?");
        }
        object.etag = XmlText(contents, "ETag").value_or("");
        objects.push_back(std::move(object));
      }
      token = XmlText(response.body, "NextContinuationToken").value_or("");
      if (XmlText(response.body, "IsTruncated").value_or("false") != "true" || token.empty()) break;
    }
    return objects;
  }

  Status Get(const std::string& bucket, const std::string& key, int64_t offset, int64_t length,
             const std::function<bool(std::string_view)>& sink) override {
    Call call = NewCall("GetObject", "GET", bucket, key);
    if (offset > 0 || length >= 0) {
      call.request.headers.push_back("Range: bytes=" + std::to_string(offset) + "-" +
                                     (length >= 0 ? std::to_string(offset + length - 1) : ""));
    }
    call.request.sink = sink;
    // Repeating is safe only while the sink has had nothing: Send retries only then.
    call.retry = Retry::kIdempotent;
    return Send(call).status();
  }

  Result<std::string> GetSmall(const std::string& bucket, const std::string& key, ObjectVersion* version) override {
    Call call = NewCall("GetObject", "GET", bucket, key);
    call.retry = Retry::kIdempotent;
    SICOOP_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
    if (version != nullptr) {
      version->etag = response.headers["etag"];
      time_t now = curl_getdate(response.headers["date"].c_str(), nullptr);
      time_t modified = curl_getdate(response.headers["last-modified"].c_str(), nullptr);
      version->age_seconds = now >= 0 && modified >= 0 ? static_cast<int64_t>(now - modified) : 0;
    }
    return std::move(response.body);
  }

  Result<std::string> Put(const std::string& bucket, const std::string& key, std::string_view body,
                          const Condition& condition) override {
    Call call = NewCall("PutObject", "PUT", bucket, key);
    call.request.body = body;
    AddCondition(condition, call);
    SICOOP_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
    return response.headers["etag"];
  }

  Status Delete(const std::string& bucket, const std::string& key, const Condition& condition) override {
    Call call = NewCall("DeleteObject", "DELETE", bucket, key);
    AddCondition(condition, call);
    Result<HttpResponse> response = Send(call);
    if (!response.ok() && response.status().reason() == Status::Reason::kNotFound &&
        condition.kind == Condition::Kind::kNone) {
      return Status::Ok();
    }
    return response.status();
  }

  Result<int64_t> DeletePrefix(const std::string& bucket, const std::string& prefix) override {
    SICOOP_ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, List(bucket, prefix));
    for (const ObjectInfo& object : objects) SICOOP_RETURN_IF_ERROR(Delete(bucket, object.key, Condition::None()));
    return static_cast<int64_t>(objects.size());
  }

  Result<std::string> StartUpload(const std::string& bucket, const std::string& key) override {
    Call call = NewCall("CreateMultipartUpload", "POST", bucket, key, {{"uploads", ""}});
    SICOOP_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
    std::string upload_id = XmlText(response.body, "UploadId").value_or("");
    if (upload_id.empty()) return Failure(call, "the answer has no UploadId");
    return upload_id;
  }

  Result<std::string> UploadPart(const std::string& bucket, const std::string& key, const std::string& upload_id,
                                 int part_number, std::string_view body) override {
    Call call = NewCall("UploadPart", "PUT", bucket, key,
                        {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}});
    call.request.body = body;
    call.retry = Retry::kIdempotent;
    SICOOP_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
    return response.headers["etag"];
  }

  Result<std::string> CopyPart(const std::string& bucket, const std::string& key, const std::string& upload_id,
                               int part_number, const std::string& source_key) override {
    Call call = NewCall("UploadPartCopy", "PUT", bucket, key,
                        {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}});
    call.request.headers.push_back("x-amz-copy-source: /" + bucket + "/" + PercentEncode(source_key, true));
    call.retry = Retry::kIdempotent;
    SICOOP_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
    std::string etag = XmlText(response.body, "ETag").value_or("");
    if (etag.empty()) return Failure(call, "the answer has no ETag");
    return etag;
  }

  Status CompleteUpload(const std::string& bucket, const std::string& key, const std::string& upload_id,
                        const std::vector<std::string>& part_etags) override {
    std::string body = "<CompleteMultipartUpload>";
    for (size_t i = 0; i < part_etags.size(); ++i) {
      body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + XmlEscape(part_etags[i]) +
              "</ETag></Part>";
    }
    body += "</CompleteMultipartUpload>";
    Call call = NewCall("CompleteMultipartUpload", "POST", bucket, key, {{"uploadId", upload_id}});
    call.request.headers.push_back("Content-Type: application/xml");
    call.request.body = body;
    return Send(call).status();
  }

  Status AbortUpload(const std::string& bucket, const std::string& key, const std::string& upload_id) override {
    Call call = NewCall("AbortMultipartUpload", "DELETE", bucket, key, {{"uploadId", upload_id}});
    call.retry = Retry::kIdempotent;
    return Send(call).status();
  }

  Result<std::vector<std::pair<std::string, std::string>>> ListUploads(const std::string& bucket,
                                                                     const std::string& prefix) override {
    std::vector<std::pair<std::string, std::string>> uploads;
    std::string key_marker;
    std::string upload_id_marker;
    while (true) {
      std::map<std::string, std::string> query{{"uploads", ""}, {"prefix", prefix}};
      if (!key_marker.empty()) query["key-marker"] = key_marker;
      if (!upload_id_marker.empty()) query["upload-id-marker"] = upload_id_marker;
      Call call = NewCall("ListMultipartUploads", "GET", bucket, prefix, query);
      call.retry = Retry::kIdempotent;
      SICOOP_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
      for (std::string_view upload : XmlElements(response.body, "Upload")) {
        uploads.emplace_back(XmlText(upload, "Key").value_or(""), XmlText(upload, "UploadId").value_or(""));
      }
      key_marker = XmlText(response.body, "NextKeyMarker").value_or("");
      upload_id_marker = XmlText(response.body, "NextUploadIdMarker").value_or("");
      if (XmlText(response.body, "IsTruncated").value_or("false") != "true" || key_marker.empty()) break;
    }
    return uploads;
  }

 private:
  // `key` names the object in messages; for a bucket-level request (a listing) it is the prefix
  // and not part of the URL.
  Call NewCall(std::string operation, std::string method, const std::string& bucket, const std::string& key,
               const std::map<std::string, std::string>& query = {}) {
    bool bucket_level = operation == "ListObjectsV2" || operation == "ListMultipartUploads";
    Call call{std::move(operation), bucket, key, {}, Retry::kNever};
    call.request.method = std::move(method);
    call.request.url = RequestUrl(endpoint_, settings_.path_style, bucket, bucket_level ? "" : key, query);
    bool has_body = call.request.method == "PUT" || (call.request.method == "POST" && !query.contains("uploads"));
    call.request.headers.push_back(has_body ? kUnsignedPayload : kEmptyPayload);
    if (!credentials_.session_token.empty()) {
      call.request.headers.push_back("x-amz-security-token: " + credentials_.session_token);
    }
    call.request.sigv4 = "aws:amz:" + settings_.region + ":s3";
    call.request.user_password = credentials_.access_key_id + ":" + credentials_.secret_access_key;
    return call;
  }

  static void AddCondition(const Condition& condition, Call& call) {
    if (condition.kind == Condition::Kind::kIfAbsent) call.request.headers.push_back("If-None-Match: *");
    if (condition.kind == Condition::Kind::kIfMatch) call.request.headers.push_back("If-Match: " + condition.etag);
    // An unconditional write or delete leaves the same state when repeated; a conditional one
    // could fail its own condition on a repeat after a lost answer.
    if (condition.kind == Condition::Kind::kNone) call.retry = Retry::kIdempotent;
  }

  // Performs the call, repeating it as its Retry allows; an answer other than 2xx, or a 200 whose
  // body is an <Error> (S3 does that for CompleteMultipartUpload and UploadPartCopy), is a failure.
  Result<HttpResponse> Send(const Call& call) {
    HttpResponse response;
    for (int attempt = 1;; ++attempt) {
      // libcurl signs each attempt anew, with the time it is sent.
      response = session_.Perform(call.request);
      bool transient = !response.sink_stopped &&
                       (!response.transport_error.empty() || (response.status >= 500 && response.status != 501) ||
                        IsErrorIn200(call, response));
      if (!transient || call.retry == Retry::kNever || response.delivered > 0 || attempt == kAttempts) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(250 * attempt * attempt));
    }
    if (response.sink_stopped) return Failure(call, "the transfer was stopped by its reader");
    if (!response.transport_error.empty()) {
      return Failure(call, response.transport_error + (response.unreachable ? " (is the endpoint right and the server up?)" : ""),
                     response.unreachable ? Status::Reason::kUnreachable : Status::Reason::kUnspecified);
    }
    if (response.status >= 200 && response.status < 300 && !IsErrorIn200(call, response)) return response;
    return ErrorAnswer(call, response);
  }

  // S3 answers CompleteMultipartUpload and UploadPartCopy with 200 before it has done the work (to
  // keep the connection alive), so a failure then comes as an <Error> body.
  static bool IsErrorIn200(const Call& call, const HttpResponse& response) {
    return response.status == 200 &&
           (call.operation == "CompleteMultipartUpload" || call.operation == "UploadPartCopy") &&
           response.body.find("<Error>") != std::string::npos;
  }

  Status ErrorAnswer(const Call& call, const HttpResponse& response) {
    std::string code = XmlText(response.body, "Code").value_or("");
    std::string message = XmlText(response.body, "Message").value_or("");
    if (code.empty()) {
      code = response.status == 404   ? "NotFound"
             : response.status == 412 ? "PreconditionFailed"
             : response.status == 403 ? "AccessDenied"
                                      : "";
    }
    std::string detail = std::to_string(response.status) + (code.empty() ? "" : " " + code) +
                         (message.empty() ? "" : ": " + message);
    Status::Reason reason = response.status == 404   ? Status::Reason::kNotFound
                            : response.status == 412 ? Status::Reason::kConflict
                            : response.status == 403 ? Status::Reason::kAuthentication
                                                     : Status::Reason::kUnspecified;
    if (code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch") {
      detail += " (the credentials from " + credentials_.source + " were refused: check them, and that they are " +
                "meant for " + settings_.endpoint + ")";
      reason = Status::Reason::kAuthentication;
    } else if (code == "AccessDenied") {
      detail += " (the credentials from " + credentials_.source + " may not do this on s3a://" + call.bucket +
                ": grant them the permissions listed in the docs, for this bucket and prefix)";
    } else if (code == "NoSuchBucket") {
      detail += " (the bucket must exist: sicoop does not create buckets; check its name and AWS_REGION)";
    }
    return Failure(call, detail, reason);
  }

  Status Failure(const Call& call, const std::string& detail, Status::Reason reason = Status::Reason::kUnspecified) {
    std::string text = "S3 " + call.operation + " of s3a://" + call.bucket + "/" + call.key + " at " +
                       settings_.endpoint + " failed: " + detail;
    return Status::Failure(Redacted(std::move(text)), reason);
  }

  // S3 never echoes a secret in the parts of its answers that messages quote, but a store that did
  // must not get it printed.
  std::string Redacted(std::string text) const {
    for (const std::string* secret : {&credentials_.secret_access_key, &credentials_.session_token}) {
      if (secret->empty()) continue;
      for (size_t at = text.find(*secret); at != std::string::npos; at = text.find(*secret, at)) {
        text.replace(at, secret->size(), "***");
      }
    }
    return text;
  }

  S3Settings settings_;
  Endpoint endpoint_;
  S3Credentials credentials_;
  HttpSession session_;
};

}  // namespace

Result<std::unique_ptr<S3Client>> S3Client::Create(const S3Settings& settings) {
  SICOOP_ASSIGN_OR_RETURN(Endpoint endpoint, ParseEndpoint(settings.endpoint));
  SICOOP_ASSIGN_OR_RETURN(S3Credentials credentials, ResolveCredentials(settings));
  return std::unique_ptr<S3Client>(new CurlS3Client(settings, std::move(endpoint), std::move(credentials)));
}

}  // namespace sicoop::storage
