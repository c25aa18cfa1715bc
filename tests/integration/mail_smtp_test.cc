// SmtpMailer against a real SMTP server (tests/tools/smtp_sink.py, Debian's
// python3-aiosmtpd): the bytes that arrive, AUTH, how replies classify,
// header injection, connection reuse and the rate limit.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "mail/message.h"
#include "mail/smtp_mailer.h"
#include "smtp_sink.h"
#include "test_files.h"

namespace leadloop {
namespace {

using testing::SinkOptions;
using testing::SmtpSink;

MailMessage sample(const std::string& to = "rep@example.test") {
  MailMessage m;
  m.from = {"Leadloop", "leadloop@example.test"};
  m.to = {"Zoë Ångström", to};
  m.subject = "Überfällig: der Lead von Müller & Söhne wartet seit zwei Stunden auf eine Antwort";
  m.text = "Hallo Zoë,\nder Lead wartet.\n";
  m.html = "<p>Hallo Zo&euml;,</p><p>der Lead wartet.</p>";
  m.headers = {{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}};
  return m;
}

SmtpConfig config_for(const SmtpSink& sink) {
  auto c = parse_smtp_url(sink.url());
  EXPECT_TRUE(c.ok());
  c->tls = SmtpTls::kNone;
  c->from = "Leadloop <leadloop@example.test>";
  return *c;
}

TEST(SmtpMailer, DeliversMultipartWithEncodedHeaders) {
  SmtpSink sink;
  ManualClock clock(1796457600000);  // 2026-12-05 08:00:00 UTC
  SmtpMailer mailer(config_for(sink), clock);
  const SendOutcome out = mailer.send(sample());
  ASSERT_EQ(out.result, SendResult::kDelivered) << out.detail;
  EXPECT_EQ(out.smtp_code, 250);
  auto got = sink.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  const auto& m = got[0];
  EXPECT_EQ(m["mail_from"], "leadloop@example.test");
  EXPECT_EQ(m["rcpt_tos"], nlohmann::json::array({"rep@example.test"}));
  EXPECT_EQ(m["subject"], sample().subject);
  EXPECT_EQ(m["to"], "Zoë Ångström <rep@example.test>");
  EXPECT_EQ(m["content_type"], "multipart/alternative");
  // Text parts travel in their canonical form: CRLF line ends.
  EXPECT_EQ(m["text"], "Hallo Zoë,\r\nder Lead wartet.\r\n");
  EXPECT_EQ(m["html"], sample().html);
  EXPECT_TRUE(m["defects"].empty()) << m["defects"].dump();
  const std::string raw = m["raw"];
  // Every header line folded under 78 columns, ended by CRLF; 7-bit bytes.
  const std::string head = raw.substr(0, raw.find("\r\n\r\n") + 2);
  std::istringstream lines(head);
  std::string line;
  while (std::getline(lines, line)) {
    ASSERT_FALSE(line.empty());
    EXPECT_EQ(line.back(), '\r');
    EXPECT_LE(line.size(), 79u) << line;
  }
  for (unsigned char c : raw) EXPECT_LT(c, 0x80);
  EXPECT_NE(raw.find("Message-ID: " + out.message_id + "\r\n"), std::string::npos);
  EXPECT_NE(raw.find("Date: Sat, 05 Dec 2026 08:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(raw.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(raw.find("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"), std::string::npos);
  EXPECT_NE(raw.find("Subject: =?UTF-8?B?"), std::string::npos);
}

TEST(SmtpMailer, AuthenticatesAndAFailedLoginIsTransient) {
  SinkOptions options;
  options.user = "mailer";
  options.password = "s3cret pass";
  SmtpSink sink(options);
  ManualClock clock(0);
  SmtpConfig c = config_for(sink);
  c.user = "mailer";
  c.password = "s3cret pass";
  SmtpMailer good(c, clock);
  SendOutcome out = good.send(sample());
  ASSERT_EQ(out.result, SendResult::kDelivered) << out.detail;
  auto got = sink.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0]["auth"].get<bool>());
  EXPECT_EQ(got[0]["login"], "mailer");
  EXPECT_EQ(c.redacted_url().find("s3cret"), std::string::npos);
  EXPECT_NE(c.redacted_url().find("mailer@127.0.0.1"), std::string::npos);

  c.password = "wrong";
  SmtpMailer bad(c, clock);
  out = bad.send(sample());
  EXPECT_EQ(out.result, SendResult::kTransient) << out.detail;
  EXPECT_EQ(out.smtp_code, 535);
  SmtpMailer anonymous(config_for(sink), clock);
  out = anonymous.send(sample());
  EXPECT_EQ(out.result, SendResult::kTransient) << out.detail;
  EXPECT_EQ(out.smtp_code, 530);
  EXPECT_EQ(sink.messages().size(), 1u);
}

TEST(SmtpMailer, ClassifiesRepliesPerRecipient) {
  SinkOptions options;
  options.fail4 = {"later@example.test"};
  options.fail5 = {"gone@example.test"};
  SmtpSink sink(options);
  ManualClock clock(0);
  SmtpMailer mailer(config_for(sink), clock);
  SendOutcome later = mailer.send(sample("later@example.test"));
  EXPECT_EQ(later.result, SendResult::kTransient) << later.detail;
  EXPECT_EQ(later.smtp_code, 451);
  SendOutcome gone = mailer.send(sample("gone@example.test"));
  EXPECT_EQ(gone.result, SendResult::kPermanent) << gone.detail;
  EXPECT_EQ(gone.smtp_code, 550);
  SendOutcome fine = mailer.send(sample("fine@example.test"));
  EXPECT_EQ(fine.result, SendResult::kDelivered) << fine.detail;
  auto got = sink.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["rcpt_tos"], nlohmann::json::array({"fine@example.test"}));
}

// With PIPELINING offered, MAIL, RCPT and DATA go in one write; a refused
// recipient (RCPT 451 or 550, so DATA is refused too) is ended with RSET
// and the next message goes out over the same connection.
TEST(SmtpMailer, PipelinesTheEnvelopeAndStaysInStepAfterARefusal) {
  for (const bool pipelining : {true, false}) {
    SCOPED_TRACE(pipelining ? "server offers PIPELINING" : "server does not pipeline");
    SinkOptions options;
    options.pipelining = pipelining;
    options.fail4 = {"later@example.test"};
    options.fail5 = {"gone@example.test"};
    SmtpSink sink(options);
    ManualClock clock(0);
    SmtpMailer mailer(config_for(sink), clock);
    EXPECT_EQ(mailer.send(sample("first@example.test")).result, SendResult::kDelivered);
    SendOutcome later = mailer.send(sample("later@example.test"));
    EXPECT_EQ(later.result, SendResult::kTransient) << later.detail;
    EXPECT_EQ(later.smtp_code, 451);
    EXPECT_NE(later.detail.find("try again later"), std::string::npos) << later.detail;
    SendOutcome gone = mailer.send(sample("gone@example.test"));
    EXPECT_EQ(gone.result, SendResult::kPermanent) << gone.detail;
    EXPECT_EQ(gone.smtp_code, 550);
    // Lines that start with a dot arrive as they were written (bodies go in
    // base64; DotStuffing covers the dots of the data itself).
    MailMessage dots = sample("dots@example.test");
    dots.text = ".hidden\n..two\n.\nend\n";
    dots.html.clear();
    const SendOutcome sent = mailer.send(dots);
    EXPECT_EQ(sent.result, SendResult::kDelivered) << sent.detail;
    EXPECT_EQ(sent.smtp_code, 250);
    auto got = sink.wait_for(2);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0]["rcpt_tos"], nlohmann::json::array({"first@example.test"}));
    EXPECT_EQ(got[1]["rcpt_tos"], nlohmann::json::array({"dots@example.test"}));
    EXPECT_EQ(got[1]["text"], ".hidden\r\n..two\r\n.\r\nend\r\n");
    EXPECT_EQ(sink.sessions(), 1);  // one connection for the four messages
  }
}

// A connection the server closed while idle is noticed before the next
// message and made again; the message goes out once.
TEST(SmtpMailer, ConnectsAgainWhenTheServerClosedAnIdleConnection) {
  SinkOptions options;
  options.pipelining = true;
  options.idle_timeout_s = 0.5;
  SmtpSink sink(options);
  ManualClock clock(0);
  SmtpMailer mailer(config_for(sink), clock);
  ASSERT_EQ(mailer.send(sample("one@example.test")).result, SendResult::kDelivered);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const SendOutcome out = mailer.send(sample("two@example.test"));
  EXPECT_EQ(out.result, SendResult::kDelivered) << out.detail;
  auto got = sink.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1]["rcpt_tos"], nlohmann::json::array({"two@example.test"}));
  EXPECT_EQ(sink.sessions(), 2);
}

TEST(DotStuffing, DoublesALeadingDotAndEndsWithTheLoneDot) {
  EXPECT_EQ(dot_stuffed("a\r\n.b\r\n"), "a\r\n..b\r\n.\r\n");
  EXPECT_EQ(dot_stuffed(".\r\n"), "..\r\n.\r\n");
  EXPECT_EQ(dot_stuffed("no end"), "no end\r\n.\r\n");
  EXPECT_EQ(dot_stuffed(""), "\r\n.\r\n");
  EXPECT_EQ(dot_stuffed("x.y\r\n"), "x.y\r\n.\r\n");
}

TEST(SmtpMailer, NoServerIsTransientAndRequiredTlsIsNotFaked) {
  ManualClock clock(0);
  SmtpConfig c;
  {
    SmtpSink sink;
    c = config_for(sink);
  }  // the sink is gone: nothing listens on its port
  c.connect_timeout_ms = 2000;
  SendOutcome out = SmtpMailer(c, clock).send(sample());
  EXPECT_EQ(out.result, SendResult::kTransient);
  EXPECT_EQ(out.smtp_code, 0);

  SmtpSink plain;  // offers no STARTTLS
  SmtpConfig tls = config_for(plain);
  tls.tls = SmtpTls::kRequire;
  out = SmtpMailer(tls, clock).send(sample());
  EXPECT_EQ(out.result, SendResult::kTransient) << out.detail;
  tls.tls = SmtpTls::kTry;
  out = SmtpMailer(tls, clock).send(sample());
  EXPECT_EQ(out.result, SendResult::kDelivered) << out.detail;
  EXPECT_EQ(plain.wait_for(1).size(), 1u);
}

// A certificate for 127.0.0.1, self-signed (its own CA), made with the
// openssl command (Debian's openssl, a dependency of ca-certificates).
struct Certificate {
  testing::TempDir dir;
  std::string cert = dir.file("cert.pem");
  std::string key = dir.file("key.pem");
  Certificate() {
    const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
                                "-addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert +
                                " > " + dir.file("openssl.log") + " 2>&1";
    if (std::system(command.c_str()) != 0) ADD_FAILURE() << testing::read_file(dir.file("openssl.log"));
  }
};

TEST(SmtpMailer, StartTlsVerifiesTheServerAgainstTheGivenCaAndNeverFallsBackToPlainText) {
  Certificate certificate;
  SinkOptions options;
  options.tls_cert = certificate.cert;
  options.tls_key = certificate.key;
  options.require_tls = true;  // nothing is accepted before STARTTLS
  SmtpSink sink(options);
  ManualClock clock(0);
  SmtpConfig c = config_for(sink);
  c.tls = SmtpTls::kRequire;
  c.ca_file = certificate.cert;
  SendOutcome out = SmtpMailer(c, clock).send(sample("tls@example.test"));
  ASSERT_EQ(out.result, SendResult::kDelivered) << out.detail;
  auto got = sink.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["tls"], true);
  EXPECT_EQ(got[0]["rcpt_tos"], nlohmann::json::array({"tls@example.test"}));

  // The same server with the system's CAs, which do not know it: refused
  // (transient, so it is retried once the operator fixes the trust), for
  // "require" and for "try" alike: a certificate that fails is never a
  // reason to go on in plain text.
  c.ca_file.clear();
  for (SmtpTls tls : {SmtpTls::kRequire, SmtpTls::kTry}) {
    c.tls = tls;
    out = SmtpMailer(c, clock).send(sample("untrusted@example.test"));
    EXPECT_EQ(out.result, SendResult::kTransient) << smtp_tls_name(tls) << ": " << out.detail;
    EXPECT_NE(out.detail.find("certificate"), std::string::npos) << out.detail;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(sink.messages().size(), 1u);
}

// The pipelined transaction through libcurl's TLS, after STARTTLS and AUTH:
// the commands go encrypted, a refusal keeps the connection in step.
TEST(SmtpMailer, PipelinesOverStartTlsAfterAuth) {
  Certificate certificate;
  SinkOptions options;
  options.tls_cert = certificate.cert;
  options.tls_key = certificate.key;
  options.require_tls = true;
  options.pipelining = true;
  options.user = "relay";
  options.password = "s3cret";
  options.fail5 = {"gone@example.test"};
  SmtpSink sink(options);
  ManualClock clock(0);
  SmtpConfig c = config_for(sink);
  c.tls = SmtpTls::kRequire;
  c.ca_file = certificate.cert;
  c.user = "relay";
  c.password = "s3cret";
  SmtpMailer mailer(c, clock);
  EXPECT_EQ(mailer.send(sample("one@example.test")).result, SendResult::kDelivered);
  const SendOutcome gone = mailer.send(sample("gone@example.test"));
  EXPECT_EQ(gone.result, SendResult::kPermanent) << gone.detail;
  EXPECT_EQ(gone.smtp_code, 550);
  const SendOutcome two = mailer.send(sample("two@example.test"));
  EXPECT_EQ(two.result, SendResult::kDelivered) << two.detail;
  auto got = sink.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  for (const auto& m : got) {
    EXPECT_EQ(m["tls"], true);
    EXPECT_EQ(m["auth"], true);
    EXPECT_EQ(m["login"], "relay");
  }
  EXPECT_EQ(got[1]["rcpt_tos"], nlohmann::json::array({"two@example.test"}));
  EXPECT_EQ(sink.sessions(), 2);  // EHLO before and after STARTTLS, on one connection
}

TEST(SmtpMailer, RefusesHeaderInjection) {
  SmtpSink sink;
  ManualClock clock(0);
  SmtpMailer mailer(config_for(sink), clock);
  MailMessage subject = sample();
  subject.subject = "Hello\r\nBcc: victim@example.test";
  MailMessage name = sample();
  name.to.name = "Ann\nBcc: victim@example.test";
  MailMessage address = sample();
  address.to.email = "ann@example.test>\r\nBcc: <victim@example.test";
  MailMessage header = sample();
  header.headers = {{"List-Unsubscribe", "<https://x.test/u/a>\r\nBcc: victim@example.test"}};
  MailMessage header_name = sample();
  header_name.headers = {{"Bcc", "victim@example.test"}};
  MailMessage lone_cr = sample();
  lone_cr.subject = std::string("Hi\rthere");
  for (const MailMessage& m : {subject, name, address, header, header_name, lone_cr}) {
    const SendOutcome out = mailer.send(m);
    EXPECT_EQ(out.result, SendResult::kPermanent);
    EXPECT_EQ(out.smtp_code, 0);
    EXPECT_NE(out.detail.find("not sent"), std::string::npos) << out.detail;
  }
  EXPECT_EQ(mailer.send(sample()).result, SendResult::kDelivered);
  auto got = sink.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(std::string(got[0]["raw"]).find("victim"), std::string::npos);
}

TEST(SmtpMailer, ReusesOneConnectionAndHoldsTheRate) {
  SmtpSink sink;
  ManualClock clock(0);
  SmtpConfig c = config_for(sink);
  c.rate = 20;  // messages per second: 11 messages need at least 10 intervals of 50 ms
  SmtpMailer mailer(c, clock);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 11; ++i) ASSERT_EQ(mailer.send(sample()).result, SendResult::kDelivered);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(seconds, 0.5);
  EXPECT_LT(seconds, 5.0);
  EXPECT_EQ(sink.wait_for(11).size(), 11u);
  EXPECT_EQ(sink.sessions(), 1);
  std::printf("[ figures ] 11 messages at --smtp-rate 20 took %.3f s over %d connection(s)\n", seconds,
              sink.sessions());
}

TEST(SmtpMailer, WorkersForOneSenderShareItsRate) {
  SmtpSink sink;
  ManualClock clock(0);
  SmtpConfig c = config_for(sink);
  c.from = "shared-rate@example.test";
  c.rate = 10;  // 6 messages from two workers: at least 5 intervals of 100 ms
  SmtpMailer a(c, clock), b(c, clock);
  const auto start = std::chrono::steady_clock::now();
  std::thread other([&] {
    for (int i = 0; i < 3; ++i) EXPECT_EQ(b.send(sample()).result, SendResult::kDelivered);
  });
  for (int i = 0; i < 3; ++i) EXPECT_EQ(a.send(sample()).result, SendResult::kDelivered);
  other.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(seconds, 0.5);
  EXPECT_LT(seconds, 5.0);
  EXPECT_EQ(sink.wait_for(6).size(), 6u);
  EXPECT_EQ(sink.sessions(), 2);  // a connection per worker
  std::printf("[ figures ] 6 messages from 2 workers sharing --smtp-rate 10 took %.3f s\n", seconds);
}

TEST(TokenBucket, WaitsOneIntervalPerTokenAfterTheBurst) {
  TokenBucket b(10, 2);
  const auto t0 = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  EXPECT_EQ(b.reserve(t0).count(), 0);
  EXPECT_EQ(b.reserve(t0).count(), 0);
  EXPECT_NEAR(std::chrono::duration<double>(b.reserve(t0)).count(), 0.1, 1e-6);
  EXPECT_NEAR(std::chrono::duration<double>(b.reserve(t0)).count(), 0.2, 1e-6);
  // A second later the bucket is full again (never more than the burst).
  const auto t1 = t0 + std::chrono::seconds(2);
  EXPECT_EQ(b.reserve(t1).count(), 0);
  EXPECT_EQ(b.reserve(t1).count(), 0);
  EXPECT_GT(b.reserve(t1).count(), 0);
  TokenBucket unlimited(0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(unlimited.reserve(t0).count(), 0);
}

TEST(SmtpConfig, ParsesServerUrls) {
  auto c = parse_smtp_url("smtp://bob@mail.example.test:2525");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->url, "smtp://mail.example.test:2525");
  EXPECT_EQ(c->user, "bob");
  EXPECT_EQ(c->password, "");
  c = parse_smtp_url("smtps://bob%40corp:p%3Ass@mail.example.test");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->url, "smtps://mail.example.test:465");
  EXPECT_EQ(c->user, "bob@corp");
  EXPECT_EQ(c->password, "p:ss");
  EXPECT_EQ(c->redacted_url().find("p:ss"), std::string::npos);
  EXPECT_EQ(parse_smtp_url("http://mail.example.test").status().code(), ErrorCode::kInvalidValue);
  EXPECT_EQ(parse_smtp_url("smtp://").status().code(), ErrorCode::kInvalidValue);
  EXPECT_EQ(parse_smtp_url("smtp://host/path").status().code(), ErrorCode::kInvalidValue);
  auto a = parse_mail_address("\"Lead Loop\" <ll@example.test>");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->name, "Lead Loop");
  EXPECT_EQ(a->email, "ll@example.test");
  EXPECT_FALSE(parse_mail_address("ll@example.test\r\nBcc: x@y.test").ok());
}

TEST(MailMessage, EncodesHeaderWordsOnWholeCharacters) {
  EXPECT_EQ(encode_header_text("Plain subject"), "Plain subject");
  EXPECT_EQ(encode_header_text("=?x?="), "=?UTF-8?B?PT94Pz0=?=");
  const std::string long_text(30, 'a');
  const std::string mixed = long_text + "ééééééééé";  // 30 + 18 bytes: the split falls inside é
  const std::string enc = encode_header_text(mixed);
  const size_t fold = enc.find("\r\n ");
  ASSERT_NE(fold, std::string::npos);
  // The first word ends before the cut é: 30 'a' and 4 'é' (38 bytes).
  EXPECT_EQ(enc.substr(0, fold), "=?UTF-8?B?YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhw6nDqcOpw6k=?=");
}

}  // namespace
}  // namespace leadloop
