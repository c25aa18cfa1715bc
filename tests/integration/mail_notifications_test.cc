// Notifications rendered from the outbox and sent to a real SMTP server
// (tests/tools/smtp_sink.py): who gets what, escaped variables, preferences,
// the daily digest, feedback links and stored templates.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "access/feedback_links.h"
#include "lifecycle_fixture.h"
#include "mail/mail_channel.h"
#include "mail/notifications.h"
#include "mail/smtp_mailer.h"
#include "mail/templates.h"
#include "mail/unsubscribe.h"
#include "smtp_sink.h"

namespace leadloop {
namespace {

using testing::LifecycleServices;
using testing::SmtpSink;
using testing::TempDir;

template <typename T>
T ok(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  if (!r.ok()) throw std::runtime_error(r.status().to_string());
  return std::move(r).value();
}

class NotificationMail : public ::testing::Test {
 protected:
  void SetUp() override {
    svc = std::make_unique<LifecycleServices>(dir.file("mail.db"));
    for (auto [key, name, team] : {std::tuple{"e1", "Eve <One>", "emea"}, {"e2", "Ed Two", "emea"},
                                   {"mgr-emea", "Mia Manager", "emea"}}) {
      Rep r;
      r.key = key;
      r.name = name;
      r.team = team;
      r.email = std::string(key) + "@sales.example.test";
      r.capacity = key == std::string("mgr-emea") ? 0 : 50;
      ASSERT_TRUE(svc->store->put_rep(r).ok());
    }
    ASSERT_TRUE(svc->router->open().ok());
    auto cfg = ok(parse_smtp_url(sink.url()));
    cfg.tls = SmtpTls::kNone;
    mailer = std::make_unique<SmtpMailer>(cfg, svc->clock);
  }

  NotificationContext context() {
    NotificationContext ctx{*svc->store, "https://leads.example.test", {"Leadloop", "leadloop@example.test"}, {}};
    return ctx;
  }

  // A hot lead whose name and company need escaping in HTML.
  Lead tricky_lead() {
    Lead l = testing::make_lead("vp@acme.example");
    l.title = "VP";
    l.country = "DE";
    l.first_name = "<b>Zoë</b>";
    l.last_name = "O'Brien";
    l.company = "Müller & <Söhne>";
    return svc->capture(l);
  }

  std::vector<OutboxMessage> outbox(const std::string& recipient) { return ok(svc->store->list_outbox(recipient, 0, 100)); }

  std::vector<nlohmann::json> send_all(const std::vector<MailMessage>& mails) {
    for (const MailMessage& m : mails) {
      SendOutcome out = mailer->send(m);
      EXPECT_EQ(out.result, SendResult::kDelivered) << out.detail;
    }
    return sink.wait_for(sent_ += mails.size());
  }

  TempDir dir;
  SmtpSink sink;
  std::unique_ptr<LifecycleServices> svc;
  std::unique_ptr<SmtpMailer> mailer;
  size_t sent_ = 0;
};

TEST_F(NotificationMail, SlaBreachReachesTheManagerWithBothPartsEscaped) {
  Lead l = tricky_lead();
  ASSERT_EQ(l.owner, "e1");
  svc->clock.advance(4 * kMillisPerHour);
  ASSERT_TRUE(svc->follow_up->run_due().ok());
  auto messages = outbox("mgr-emea");
  ASSERT_EQ(messages.size(), 1u);
  auto mails = ok(render(messages[0], context()));
  ASSERT_EQ(mails.size(), 1u);
  auto got = send_all(mails);
  ASSERT_EQ(got.size(), 1u);
  const auto& m = got[0];
  EXPECT_EQ(m["rcpt_tos"], nlohmann::json::array({"mgr-emea@sales.example.test"}));
  EXPECT_EQ(m["to"], "Mia Manager <mgr-emea@sales.example.test>");
  EXPECT_EQ(m["subject"], "SLA breach: <b>Zoë</b> O'Brien (Müller & <Söhne>) was not followed up");
  const std::string text = m["text"], html = m["html"];
  EXPECT_NE(text.find("Eve <One> did not follow up lead " + std::to_string(l.id) + ", <b>Zoë</b> O'Brien of Müller & <Söhne>"),
            std::string::npos)
      << text;
  EXPECT_NE(html.find("<b>&lt;b&gt;Zoë&lt;/b&gt; O&#39;Brien</b> of Müller &amp; &lt;Söhne&gt;"), std::string::npos) << html;
  EXPECT_NE(html.find("Eve &lt;One&gt; did not"), std::string::npos);
  EXPECT_EQ(html.find("<Söhne>"), std::string::npos);
  EXPECT_NE(html.find("href=\"https://leads.example.test/leads/" + std::to_string(l.id) + "\""), std::string::npos);
}

TEST_F(NotificationMail, AReassignmentTellsTheNewOwnerUnlessTheyOptedOut) {
  Lead l = tricky_lead();
  svc->clock.advance(6 * kMillisPerHour);  // past the breach and the reassignment
  ASSERT_TRUE(svc->follow_up->run_due().ok());
  ASSERT_TRUE(svc->follow_up->run_due().ok());
  ASSERT_EQ(svc->get(l.id).owner, "e2");
  auto messages = outbox("e2");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].kind, "reassigned");
  auto mails = ok(render(messages[0], context()));
  ASSERT_EQ(mails.size(), 1u);
  auto got = send_all(mails);
  EXPECT_EQ(got[0]["rcpt_tos"], nlohmann::json::array({"e2@sales.example.test"}));
  EXPECT_EQ(got[0]["subject"], "New lead for you: <b>Zoë</b> O'Brien (Müller & <Söhne>)");
  EXPECT_NE(std::string(got[0]["text"]).find("it was Eve <One>'s (sla_breach)"), std::string::npos);

  // e2 turns reassignments off: the same message renders to nobody.
  ok(save_notification_prefs(*svc->store, "rep:e2", {{"reassigned", false}}));
  EXPECT_TRUE(ok(render(messages[0], context())).empty());
  EXPECT_EQ(save_notification_prefs(*svc->store, "rep:e2", {{"gossip", true}}).status().code(),
            ErrorCode::kInvalidValue);
  auto prefs = ok(load_notification_prefs(*svc->store, "rep:e2"));
  EXPECT_FALSE(prefs["reassigned"]);
  EXPECT_TRUE(prefs["sla_breach"]);
  EXPECT_FALSE(prefs["daily_digest"]);  // off unless chosen
}

// A nurture programme's "notify the owner" step (the outbox message the
// nurture engine writes) mails the owner, escaped, unless they turned it off.
TEST_F(NotificationMail, ANurtureNotifyStepMailsTheOwnerUnlessTheyOptedOut) {
  Lead l = tricky_lead();
  ASSERT_EQ(l.owner, "e1");
  const OutboxMessage m{0, "nurture_notify", "e1", l.id, svc->clock.now(),
                        R"({"programme":"spring","step":"call","text":"Opened 3 mails: <call> today"})"};
  EXPECT_TRUE(mailed_outbox_kind(m.kind));
  auto mails = ok(render(m, context()));
  ASSERT_EQ(mails.size(), 1u);
  auto got = send_all(mails);
  EXPECT_EQ(got[0]["rcpt_tos"], nlohmann::json::array({"e1@sales.example.test"}));
  EXPECT_EQ(got[0]["subject"], "Nurture: <b>Zoë</b> O'Brien (Müller & <Söhne>) needs you");
  const std::string text = got[0]["text"], html = got[0]["html"];
  EXPECT_NE(text.find("The programme spring asks you to look at lead " + std::to_string(l.id)), std::string::npos)
      << text;
  EXPECT_NE(text.find("Opened 3 mails: <call> today"), std::string::npos) << text;
  EXPECT_NE(html.find("Opened 3 mails: &lt;call&gt; today"), std::string::npos) << html;
  EXPECT_NE(text.find("https://leads.example.test/leads/" + std::to_string(l.id)), std::string::npos);

  ok(save_notification_prefs(*svc->store, "rep:e1", {{"nurture_notify", false}}));
  EXPECT_TRUE(ok(render(m, context())).empty());
}

TEST_F(NotificationMail, TheDailyDigestListsWhatIsDueForThoseWhoChoseIt) {
  Lead a = tricky_lead();
  Lead b = svc->hot("cto@beta.example");
  ASSERT_EQ(a.owner, "e1");
  ASSERT_EQ(b.owner, "e2");
  const Days today = day_of(svc->clock.now());
  EXPECT_TRUE(ok(daily_digest(context(), "e1", today)).empty());  // off by default
  ok(save_notification_prefs(*svc->store, "rep:e1", {{"daily_digest", true}}));
  auto mails = ok(daily_digest(context(), "e1", today));
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_TRUE(ok(daily_digest(context(), "e1", today - 1)).empty());  // nothing was due yesterday
  auto got = send_all(mails);
  EXPECT_EQ(got[0]["subject"], "1 lead(s) due on " + format_date(today));
  const std::string text = got[0]["text"], html = got[0]["html"];
  EXPECT_NE(text.find("- <b>Zoë</b> O'Brien (Müller & <Söhne>), due "), std::string::npos) << text;
  EXPECT_NE(text.find("https://leads.example.test/leads/" + std::to_string(a.id)), std::string::npos);
  EXPECT_EQ(text.find("/leads/" + std::to_string(b.id)), std::string::npos);  // e2's lead
  EXPECT_NE(html.find("- &lt;b&gt;Zoë&lt;/b&gt;"), std::string::npos) << html;
}

TEST_F(NotificationMail, GoalBehindGoesToItsOwnersAndFeedbackLinksToTheRep) {
  User ann;
  ann.login = "ann";
  ann.name = "Ann Analyst";
  ann.roles = "marketing";
  ann.email = "ann@marketing.example.test";
  ASSERT_TRUE(svc->store->put_user(ann).ok());
  OutboxMessage goal{0, "goal_behind", "user:ann", 0, svc->clock.now(),
                     R"({"goal":7,"name":"Q1 <SQLs>","metric":"qualified_leads","target":100,"actual":10,)"
                     R"("expected":25.5,"ends_at":"2026-03-31T00:00:00.000Z"})"};
  auto mails = ok(render(goal, context()));
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].to.email, "ann@marketing.example.test");
  EXPECT_EQ(mails[0].subject, "Goal behind: Q1 <SQLs>");
  EXPECT_NE(mails[0].html.find("<b>Q1 &lt;SQLs&gt;</b> is behind: 10 qualified_leads where 25.5"), std::string::npos)
      << mails[0].html;
  // A token has no address: nobody to mail.
  goal.recipient = "token:3:ci";
  EXPECT_TRUE(ok(render(goal, context())).empty());

  FeedbackLinks links(*svc->store, svc->clock, *svc->lifecycle);
  ASSERT_TRUE(links.open().ok());
  Lead l = tricky_lead();
  auto issued = ok(links.create(l.id, "e1", svc->clock.now() + 48 * kMillisPerHour, "user:ann"));
  auto messages = outbox("e1");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].kind, "feedback_link");
  EXPECT_EQ(messages[0].payload.find(issued.token), std::string::npos);  // no secret in the outbox
  NotificationContext ctx = context();
  ctx.feedback_token = [&](int64_t id) { return links.token_for(id); };
  mails = ok(render(messages[0], ctx));
  ASSERT_EQ(mails.size(), 1u);
  auto got = send_all(mails);
  EXPECT_EQ(got[0]["rcpt_tos"], nlohmann::json::array({"e1@sales.example.test"}));
  EXPECT_NE(std::string(got[0]["text"]).find("https://leads.example.test/feedback/" + issued.token), std::string::npos);
  EXPECT_TRUE(links.verify(issued.token).ok());
}

TEST_F(NotificationMail, StoredTemplatesOverrideAndUnknownVariablesAreRefusedOnSave) {
  MailTemplate t = *builtin_template("sla_breach");
  t.subject = "Late: {{lead.company}}";
  t.text = "{{ lead.name }} waits. {{link}}";
  t.html = "<p>{{lead.name}}</p>";
  ASSERT_TRUE(save_template(*svc->store, t, "user:ann", svc->clock.now()).ok());
  MailTemplate bad = t;
  bad.text = "Hello {{lead.nickname}}";
  Status s = save_template(*svc->store, bad, "user:ann", svc->clock.now());
  EXPECT_EQ(s.code(), ErrorCode::kInvalidValue);
  EXPECT_EQ(s.field(), "text");
  EXPECT_NE(s.message().find("{{lead.nickname}}"), std::string::npos);
  bad.text = "Hello {{lead.name";
  EXPECT_EQ(save_template(*svc->store, bad, "user:ann", svc->clock.now()).code(), ErrorCode::kInvalidValue);
  bad = t;
  bad.name = "no_such_kind";
  EXPECT_EQ(save_template(*svc->store, bad, "user:ann", svc->clock.now()).code(), ErrorCode::kNotFound);

  Lead l = tricky_lead();
  svc->clock.advance(4 * kMillisPerHour);
  ASSERT_TRUE(svc->follow_up->run_due().ok());
  auto mails = ok(render(outbox("mgr-emea").at(0), context()));
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].subject, "Late: Müller & <Söhne>");
  EXPECT_EQ(mails[0].text, "<b>Zoë</b> O'Brien waits. https://leads.example.test/leads/" + std::to_string(l.id));
  EXPECT_EQ(mails[0].html, "<p>&lt;b&gt;Zoë&lt;/b&gt; O&#39;Brien</p>");
  auto loaded = ok(load_template(*svc->store, "sla_breach"));
  EXPECT_TRUE(loaded.stored);
  EXPECT_EQ(loaded.updated_by, "user:ann");
}

TEST_F(NotificationMail, MailToALeadCarriesOneClickUnsubscribeHeaders) {
  Lead l = tricky_lead();
  UnsubscribeLinks links(*svc->store);
  ASSERT_TRUE(links.open().ok());
  MailMessage m;
  m.from = {"Acme Marketing", "news@acme.example"};
  m.to = {"", l.email};
  m.subject = "Our spring offer";
  m.text = "Hello";
  m.html = "<p>Hello</p>";
  m.headers = links.headers(l.id, "https://leads.example.test", "unsubscribe@acme.example");
  auto got = send_all({m});
  ASSERT_EQ(got.size(), 1u);
  std::string unsubscribe, post;
  for (const auto& h : got[0]["headers"]) {
    if (h[0] == "List-Unsubscribe") unsubscribe = h[1];
    if (h[0] == "List-Unsubscribe-Post") post = h[1];
  }
  EXPECT_EQ(post, "List-Unsubscribe=One-Click");
  const std::string token = links.token(l.id);
  EXPECT_EQ(unsubscribe, "<https://leads.example.test/u/" + token + ">, <mailto:unsubscribe@acme.example?subject=unsubscribe%20" +
                             token + ">");
  auto target = links.verify(token);
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->lead_id, l.id);
  EXPECT_EQ(target->channel, "email");
  // Another lead's token differs; an altered one is refused.
  EXPECT_NE(links.token(l.id + 1), token);
  std::string altered = token;
  altered[5] = altered[5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(links.verify(altered).status().code(), ErrorCode::kNotFound);
}

// The mail channel follows the live settings (PUT /api/v1/settings/mail):
// no server, then one, then another, from the next send on; the command
// line's settings are fixed.
TEST(MailChannelLive, FollowsTheSettingsFromTheNextSendOn) {
  SmtpSink first, second;
  SystemClock clock;
  auto live = std::make_shared<LiveMailSettings>(MailSettings{}, /*fixed=*/false);
  MailChannel channel(live, clock);
  MailMessage m;
  m.from = {"Ops", "ops@example.test"};
  m.to = {"Ann", "ann@example.test"};
  m.subject = "Hello";
  m.text = "Hello Ann";
  Delivery d;
  d.channel = "email";
  d.destination = "email:ann@example.test";
  d.payload = mail_payload(m);

  delivery::SendOutcome none = channel.send(d);
  EXPECT_EQ(none.kind, delivery::SendOutcome::Kind::kRetry);
  EXPECT_NE(none.error.find("no SMTP server is configured"), std::string::npos) << none.error;

  auto settings_for = [](const SmtpSink& sink) {
    MailSettings s;
    s.smtp = ok(parse_smtp_url(sink.url()));
    s.smtp.tls = SmtpTls::kNone;
    s.smtp.from = "ops@example.test";
    return s;
  };
  const uint64_t before = live->version();
  ASSERT_TRUE(live->replace(settings_for(first)));
  EXPECT_NE(live->version(), before);
  EXPECT_EQ(channel.send(d).kind, delivery::SendOutcome::Kind::kDelivered);
  EXPECT_EQ(channel.send(d).kind, delivery::SendOutcome::Kind::kDelivered);
  ASSERT_EQ(first.wait_for(2).size(), 2u);
  ASSERT_TRUE(live->replace(settings_for(second)));
  EXPECT_EQ(channel.send(d).kind, delivery::SendOutcome::Kind::kDelivered);
  ASSERT_EQ(second.wait_for(1).size(), 1u);
  EXPECT_EQ(first.messages().size(), 2u);
  EXPECT_EQ(second.messages()[0]["rcpt_tos"], nlohmann::json::array({"ann@example.test"}));

  LiveMailSettings fixed(settings_for(first), /*fixed=*/true);
  EXPECT_FALSE(fixed.replace(MailSettings{}));
  EXPECT_TRUE(fixed.get().configured());
}

}  // namespace
}  // namespace leadloop
