/**
 * How the app words each error code the server can answer (domain/errors.py): what happened, in the
 * site user's terms, and what to do next. Every code the server defines has both languages here
 * (tests/test_error_codes.py checks), so no user ever sees a bare code or a technical message.
 */
export const ERRORS = {
  not_found: {
    zh: '找不到该记录，或您无权查看。请刷新后再试。',
    en: 'This record was not found or is not visible to you. Refresh and try again.',
  },
  forbidden: {
    zh: '您的角色不能执行此操作。如需处理，请联系项目经理。',
    en: 'Your role may not do this. Ask the project manager if it needs doing.',
  },
  invalid: {
    zh: '填写的内容有误，请检查标红的项目后再提交。',
    en: 'Some fields are not valid. Check the highlighted fields and submit again.',
  },
  bad_request: {
    zh: '请求格式有误。请更新应用后再试。',
    en: 'The request was malformed. Update the app and try again.',
  },
  conflict: {
    zh: '该记录已被其他人修改，请刷新后再操作。',
    en: 'Someone else changed this record. Refresh and try again.',
  },
  unauthorized: {
    zh: '登录已失效，请重新登录。未同步的记录会保留。',
    en: 'Your login has expired. Log in again; unsynced records are kept.',
  },
  rate_limited: {
    zh: '尝试次数过多，请稍候再试。',
    en: 'Too many attempts. Wait a moment and try again.',
  },
  internal: {
    zh: '服务器出错了，记录已保留在本机，稍后会自动重试。',
    en: 'The server had a problem. Your records are kept on this device and will be retried.',
  },
  fix_needs_after_photo: {
    zh: '维修完成前需要至少一张整改后照片。请拍一张整改后的照片，再点「已修复」。',
    en: 'A fix needs at least one after-photo. Take a photo of the repaired spot, then mark it fixed again.',
  },
  mutation_unknown: {
    zh: '这条记录来自不同版本的应用，服务器无法识别。请更新应用；该记录已被放弃。',
    en: 'This change comes from a different version of the app and the server does not know it. Update the app; the change was dropped.',
  },
  mutation_invalid: {
    zh: '这条记录的内容有误（过长、超出范围或格式不对），未能保存。请检查后重新填写。',
    en: 'This change has invalid content (too long, out of range or malformed) and was not saved. Check it and enter it again.',
  },
  clock_invalid: {
    zh: '这条记录的时间标记有误，未能保存。请检查平板的日期时间后重新操作。',
    en: "This change has a broken time stamp and was not saved. Check the tablet's date and time, then do it again.",
  },
  id_taken: {
    zh: '该编号已被其他记录使用，未能保存。请重新登记一次。',
    en: 'This id is already used by another record, so the change was not saved. Record it again.',
  },
  reference_invalid: {
    zh: '所选的房间、缺陷类型、检查批次或施工单位与该房号不符，或已不存在。请刷新后重新选择。',
    en: 'The chosen room, defect type, inspection or contractor does not fit this unit or no longer exists. Refresh and choose again.',
  },
  photo_not_yours: {
    zh: '这张照片不是您拍摄上传的，您也无权查看，不能添加。请用本机拍摄的照片。',
    en: 'This photo was not uploaded by you and is not visible to you, so it cannot be attached. Use a photo taken on this device.',
  },
  seq_expired: {
    zh: '这条记录的序号已过期。请同步后检查记录是否已保存。',
    en: "This change's sequence number has passed. Sync, then check whether the change was saved.",
  },
  stale_status: {
    zh: '在您操作之前，该缺陷的状态已被他人改变，已记录为冲突。请查看冲突并由管理人员处理。',
    en: "Someone changed this defect's status before your change arrived; it was recorded as a conflict. Open the conflict for staff to settle.",
  },
  transition_not_allowed: {
    zh: '按照整改流程，您现在不能对该缺陷执行此操作。请查看缺陷当前状态，或联系项目经理。',
    en: 'The rectification steps do not allow you to do this to the defect now. Check its current status, or ask the project manager.',
  },
  conflict_resolved: {
    zh: '该冲突已由他人处理。请刷新查看结果。',
    en: 'Someone has already settled this conflict. Refresh to see the outcome.',
  },
  stats_unknown_filter: {
    zh: '统计不认识这个筛选条件。请清除筛选后重新选择。',
    en: 'The statistics do not know this filter. Clear the filters and choose again.',
  },
  stats_bad_filter: {
    zh: '筛选条件的值有误（如日期或编号）。请检查后再试。',
    en: 'A filter value is not valid (a date or a number). Check it and try again.',
  },
  stats_forbidden: {
    zh: '只有项目经理或管理员可以查看统计和报表。如需查看，请联系项目经理。',
    en: 'Only project managers and admins see statistics and reports. Ask the project manager.',
  },
  delivery_not_ready: {
    zh: '该楼栋未满足交付条件，不能签发交付许可令。请先整改列出的问题。',
    en: 'This building does not meet the delivery criteria, so no permit can be issued. Close the listed defects first.',
  },
  delivery_permit_required: {
    zh: '该楼栋还没有交付许可令，不能开始交付。请先整改阻碍项并签发许可令。',
    en: 'This building has no delivery permit yet, so delivery cannot start. Close the blockers and issue the permit first.',
  },
  delivery_override_forbidden: {
    zh: '只有系统管理员可以在条件未满足时特批交付。请联系管理员。',
    en: 'Only an admin may issue a permit while criteria fail. Ask an admin.',
  },
  delivery_criteria_invalid: {
    zh: '交付条件设置有误（未知条件或目标值超出范围）。请检查后再保存。',
    en: 'The delivery criteria are not valid (an unknown criterion or a target out of range). Check and save again.',
  },
  delivery_permit_request_invalid: {
    zh: '特批理由需写明 10 到 1000 字。请补充后再提交。',
    en: 'The override reason must be 10 to 1000 characters. Complete it and submit again.',
  },
  export_invalid: {
    zh: '导出条件有误（格式、筛选或承建商）。请检查后重新导出。',
    en: 'The export request is not valid (format, filters or contractor). Check it and export again.',
  },
  walkthrough_not_found: {
    zh: '找不到该签字记录，或您无权查看。请确认房号后再试。',
    en: 'This signed record was not found or is not yours to see. Check the unit and try again.',
  },
  pdf_too_large: {
    zh: '文件过大，不是本系统出具的验房记录。请上传系统发出的 PDF。',
    en: 'The file is too large to be a record this system issued. Upload the PDF the system gave you.',
  },
};

/** The words for an error code in `lang`, or null when the code is unknown to this version of the app. */
export function errorText(code, lang) {
  const entry = ERRORS[code];
  if (!entry) return null;
  return entry[lang] ?? entry.zh;
}
