// The field tables of the customer lifecycle (data-dictionary.md,
// "Customers"). Adding a plain field is one line here.
#include <array>

#include "chronicle/domain/fields.hpp"

namespace chronicle::domain {
namespace {

using T = FieldType;

// ---- Enumerations -----------------------------------------------------------
constexpr std::array<EnumOption, 5> kLeadSources = {{
    {"campaign", "活动"},
    {"phone_inquiry", "电话咨询"},
    {"referral", "老客户介绍"},
    {"web", "网络"},
    {"other", "其他"},
}};
constexpr std::array<EnumOption, 2> kLeadStatuses = {{{"open", "未转换"}, {"converted", "已转换"}}};
constexpr std::array<EnumOption, 3> kLevels = {
    {{"a", "A（重点客户）"}, {"b", "B（普通客户）"}, {"c", "C（非优先客户）"}}};
constexpr std::array<EnumOption, 2> kDealStatuses = {
    {{"not_closed", "未成交"}, {"closed", "已成交"}}};
constexpr std::array<EnumOption, 2> kPoolReasons = {
    {{"no_follow_up", "未跟进"}, {"no_deal", "未成交"}}};
constexpr std::array<EnumOption, 5> kTargetTypes = {{
    {"lead", "线索"},
    {"customer", "客户"},
    {"contact", "联系人"},
    {"opportunity", "商机"},
    {"contract", "合同"},
}};
constexpr std::array<EnumOption, 6> kFollowUpMethods = {{
    {"phone", "电话"},
    {"email", "邮件"},
    {"visit", "上门拜访"},
    {"sms", "短信"},
    {"wechat", "微信"},
    {"other", "其他"},
}};
constexpr std::array<EnumOption, 10> kCustomFieldTypes = {{
    {"text", "单行文本"},
    {"textarea", "多行文本"},
    {"number", "数字"},
    {"money", "金额"},
    {"date", "日期"},
    {"datetime", "日期时间"},
    {"select", "单选"},
    {"multiselect", "多选"},
    {"boolean", "布尔"},
    {"user", "员工"},
}};
constexpr std::array<EnumOption, 5> kCustomizableEntities = {{
    {"lead", "线索"},
    {"customer", "客户"},
    {"contact", "联系人"},
    {"opportunity", "商机"},
    {"contract", "合同"},
}};

// ---- Field tables -----------------------------------------------------------
// name, type, label, flags, max length, options, referenced collection
constexpr std::array<FieldSpec, 17> kLeadFields = {{
    {"name", T::kText, "线索名称", kRequired | kFilterSort | kSearch, 100},
    {"company", T::kText, "公司名称", kFilterSort | kSearch, 100},
    {"mobile", T::kText, "手机", kFilter | kSearch, 20},
    {"phone", T::kText, "电话", kFilter | kSearch, 30},
    {"email", T::kText, "邮箱", kFilter | kSearch, 100},
    {"source", T::kEnum, "线索来源", kFilterSort, 0, kLeadSources},
    {"industry", T::kText, "客户行业", kFilterSort, 50},
    {"level", T::kText, "客户级别", kFilterSort, 20},
    {"address", T::kText, "地址", kFilter, 200},
    {"region", T::kText, "地区", kFilterSort, 100},
    {"next_contact_at", T::kDateTime, "下次联系时间", kFilterSort},
    {"last_follow_up_at", T::kDateTime, "最后跟进时间", kFilterSort | kReadOnly},
    {"remark", T::kLongText, "备注", kFilter, 2000},
    {"owner_id", T::kUser, "负责人", kFilterSort},
    {"status", T::kEnum, "状态", kFilterSort | kReadOnly, 0, kLeadStatuses, {}, "open"},
    {"customer_id", T::kRef, "客户", kFilter | kReadOnly | kNoExport, 0, {}, "customers"},
    {"contact_id", T::kRef, "联系人", kFilter | kReadOnly | kNoExport, 0, {}, "contacts"},
}};

constexpr std::array<FieldSpec, 18> kCustomerFields = {{
    {"name", T::kText, "客户名称", kRequired | kUnique | kFilterSort | kSearch, 100},
    {"level", T::kEnum, "客户级别", kFilterSort, 0, kLevels},
    {"industry", T::kText, "客户行业", kFilterSort, 50},
    {"source", T::kEnum, "客户来源", kFilterSort, 0, kLeadSources},
    {"region", T::kText, "地区", kFilterSort, 100},
    {"address", T::kText, "地址", kFilter, 200},
    {"phone", T::kText, "电话", kFilter | kSearch, 30},
    {"website", T::kText, "网址", kFilter, 200},
    {"deal_status",
     T::kEnum,
     "成交状态",
     kFilterSort | kReadOnly,
     0,
     kDealStatuses,
     {},
     "not_closed"},
    {"next_contact_at", T::kDateTime, "下次联系时间", kFilterSort},
    {"last_follow_up_at", T::kDateTime, "最后跟进时间", kFilterSort | kReadOnly},
    {"pool_due_at", T::kDateTime, "进入公海时间", kFilterSort | kReadOnly | kDerived | kNoExport},
    {"remark", T::kLongText, "备注", kFilter, 2000},
    {"owner_id", T::kUser, "负责人", kFilterSort},
    // When the current owner got the customer: the pool's clocks start here.
    {"owned_since", T::kDateTime, "获得时间", kFilterSort | kReadOnly},
    {"team", T::kTeam, "团队成员", kReadOnly | kNoExport},
    {"locked", T::kBool, "锁定", kFilterSort | kReadOnly, 0, {}, {}, "false"},
    {"pool_reason", T::kEnum, "进入公海原因", kFilter | kReadOnly | kNoExport, 0, kPoolReasons},
}};

constexpr std::array<FieldSpec, 13> kContactFields = {{
    {"customer_id", T::kRef, "客户", kRequired | kFilterSort, 0, {}, "customers"},
    {"name", T::kText, "姓名", kRequired | kFilterSort | kSearch, 100},
    {"mobile", T::kText, "手机", kFilter | kSearch, 20},
    {"phone", T::kText, "电话", kFilter | kSearch, 30},
    {"email", T::kText, "邮箱", kFilter | kSearch, 100},
    {"position", T::kText, "职务", kFilter, 50},
    {"is_primary", T::kBool, "首要联系人", kFilterSort},
    {"birthday", T::kDate, "生日", kFilterSort},
    {"address", T::kText, "地址", kFilter, 200},
    {"next_contact_at", T::kDateTime, "下次联系时间", kFilterSort},
    {"last_follow_up_at", T::kDateTime, "最后跟进时间", kFilterSort | kReadOnly},
    {"remark", T::kLongText, "备注", kFilter, 2000},
    {"owner_id", T::kUser, "负责人", kFilterSort},
}};

constexpr std::array<FieldSpec, 7> kFollowUpFields = {{
    {"target_type", T::kEnum, "跟进对象类型", kRequired | kFilterSort, 0, kTargetTypes},
    {"target_id", T::kText, "跟进对象", kRequired | kFilter, 64},
    {"method", T::kEnum, "跟进方式", kRequired | kFilterSort, 0, kFollowUpMethods},
    {"content", T::kLongText, "跟进内容", kRequired | kFilter | kSearch, 5000},
    {"at", T::kDateTime, "跟进时间", kFilterSort},
    {"next_contact_at", T::kDateTime, "下次联系时间", kFilterSort},
    {"owner_id", T::kUser, "跟进人", kFilterSort | kReadOnly},
}};

constexpr std::array<FieldSpec, 9> kCustomFieldFields = {{
    {"entity", T::kEnum, "所属模块", kRequired | kFilterSort, 0, kCustomizableEntities},
    {"key", T::kText, "字段标识", kRequired | kFilterSort, 40},
    {"label", T::kText, "字段名称", kRequired | kFilterSort | kSearch, 50},
    {"type", T::kEnum, "字段类型", kRequired | kFilterSort, 0, kCustomFieldTypes},
    {"options", T::kStrings, "选项", 0, 100},
    {"required", T::kBool, "必填", kFilter},
    {"unique", T::kBool, "唯一", kFilter},
    {"default", T::kText, "默认值", kNoExport, 500},
    {"sort", T::kNumber, "排序", kFilterSort},
}};

constexpr std::array<FieldSpec, 6> kViewFields = {{
    {"entity", T::kText, "模块", kRequired | kFilterSort, 40},
    {"name", T::kText, "名称", kRequired | kFilterSort | kSearch, 50},
    {"filters", T::kText, "筛选条件", 0, 4000},
    {"sort", T::kText, "排序", 0, 200},
    {"columns", T::kStrings, "列", 0, 64},
    {"owner_id", T::kUser, "所有者", kFilter | kReadOnly},
}};

constexpr EntitySpec kLead{"lead", "leads", "lead-", "Lead", "线索", kLeadFields, true, true};
constexpr EntitySpec kCustomer{"customer", "customers",     "customer-", "Customer",
                               "客户",     kCustomerFields, true,        true};
constexpr EntitySpec kContact{"contact", "contacts",     "contact-", "Contact",
                              "联系人",  kContactFields, true,       true};
constexpr EntitySpec kFollowUp{"follow_up", "follow-ups",    "follow-up-", "FollowUp",
                               "跟进记录",  kFollowUpFields, true,         false};
constexpr EntitySpec kCustomField{
    "custom_field", "custom-fields",    "custom-field-", "CustomField",
    "自定义字段",   kCustomFieldFields, false,           false};
constexpr EntitySpec kView{"view", "views", "view-", "View", "场景", kViewFields, true, false};

constexpr std::array<const EntitySpec*, 6> kEntities = {&kLead,     &kCustomer,    &kContact,
                                                        &kFollowUp, &kCustomField, &kView};

}  // namespace

std::span<const EntitySpec* const> AllEntitySpecs() { return kEntities; }

}  // namespace chronicle::domain
