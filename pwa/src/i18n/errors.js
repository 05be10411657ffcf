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
  followup_fix_before_response: {
    zh: '整改时限不能短于响应时限。请把标红的整改时限改长，或把响应时限改短。',
    en: 'A fix time cannot be shorter than the response time. Lengthen the highlighted fix time or shorten the response time.',
  },
  followup_type_unknown: {
    zh: '所选的缺陷类型不存在。请刷新后重新选择。',
    en: 'The chosen defect type does not exist. Refresh and choose again.',
  },
  ladder_levels_gap: {
    zh: '升级级别须从 L1 起连续编号。请删除中间空缺的级别后再保存。',
    en: 'Ladder levels must run L1, L2, L3 … without gaps. Remove the gap and save again.',
  },
  ladder_not_rising: {
    zh: '高一级的升级时间不能早于低一级。请把标红的时间改为不短于上一级。',
    en: 'A higher level cannot be reached sooner than the level below it. Make the highlighted time at least that of the level above it in the list.',
  },
  route_contractor_unknown: {
    zh: '所选的施工单位不存在。请刷新后重新选择。',
    en: 'The chosen contractor does not exist. Refresh and choose again.',
  },
  route_building_unknown: {
    zh: '所选的楼栋不在本项目中。请刷新后重新选择。',
    en: 'The chosen building is not in this project. Refresh and choose again.',
  },
  route_duplicate: {
    zh: '同一楼栋的同一专业只能指定一个施工单位。请删除重复的一行。',
    en: 'A trade can go to only one contractor per building. Remove the duplicate row.',
  },
  notify_email_missing: {
    zh: '您选择了邮件通知，但没有填写邮箱地址。请填写邮箱，或取消邮件通知。',
    en: 'You chose e-mail for some messages but gave no address. Enter your e-mail address, or untick e-mail.',
  },
  quiet_hours_invalid: {
    zh: '免打扰时段需要填写开始和结束时间，且两者不能相同。',
    en: 'Quiet hours need a start and an end time, and they must differ.',
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
  photo_bad_name: {
    zh: '照片编号有误，无法上传。请更新应用后重新拍摄。',
    en: 'The photo\'s name is wrong, so it cannot be uploaded. Update the app and take the photo again.',
  },
  photo_empty: {
    zh: '没有收到照片内容。请检查网络后重新上传。',
    en: 'No photo arrived. Check the network and upload again.',
  },
  photo_too_large: {
    zh: '照片文件太大，超过上传上限。请用相机的普通画质重新拍摄。',
    en: 'The photo file is larger than the upload limit. Retake it at the camera\'s normal quality.',
  },
  photo_hash_mismatch: {
    zh: '照片在传输中损坏了。请在网络稳定时重新上传。',
    en: 'The photo was damaged on the way. Upload it again when the network is steady.',
  },
  photo_not_an_image: {
    zh: '这不是支持的图片格式（JPEG、PNG、WebP、HEIC）。请用相机拍摄的照片。',
    en: 'This is not a supported picture (JPEG, PNG, WebP, HEIC). Use a photo from the camera.',
  },
  photo_too_many_pixels: {
    zh: '图片尺寸过大，系统无法处理。请用相机拍摄的照片，不要用拼接长图。',
    en: 'The picture is too large to process. Use a camera photo, not a stitched panorama.',
  },
  photo_damaged: {
    zh: '照片文件已损坏，无法读取。请重新拍摄。',
    en: 'The photo file is damaged and cannot be read. Take the photo again.',
  },
  photo_too_much_metadata: {
    zh: '照片附带的附加信息过多。请用相机原图或重新拍摄。',
    en: 'The photo carries too much extra information. Use the camera\'s original or retake it.',
  },
  photo_too_much_memory: {
    zh: '图片过大，处理需要的内存超出上限。请缩小后再上传。',
    en: 'The picture would need too much memory to process. Make it smaller and upload again.',
  },
  upload_too_many_open: {
    zh: '未完成的上传太多。请等待正在上传的照片完成后再试。',
    en: 'Too many uploads are unfinished. Wait for the photos being uploaded to finish, then try again.',
  },
  upload_not_found: {
    zh: '这次上传已结束或已过期，将重新开始上传。',
    en: 'This upload has finished or expired; it will start again.',
  },
  upload_wrong_kind: {
    zh: '上传方式不匹配，将重新开始上传。',
    en: 'The upload was started another way; it will start again.',
  },
  upload_offset_mismatch: {
    zh: '上传进度与服务器不一致，将从服务器记录的位置继续。',
    en: 'The upload\'s progress differs from the server\'s; it continues from where the server is.',
  },
  upload_chunk_too_long: {
    zh: '上传的数据块过大，将重新开始上传。',
    en: 'A piece of the upload was too long; it will start again.',
  },
  upload_broken: {
    zh: '部分上传内容丢失，将重新上传这张照片。',
    en: 'Part of the upload is gone; the photo will be uploaded again.',
  },
  upload_direct_unavailable: {
    zh: '服务器不支持直传，将改用普通上传。',
    en: 'The server does not take direct uploads; the normal upload is used instead.',
  },
  upload_not_arrived: {
    zh: '服务器尚未收到照片文件，请稍后再同步。',
    en: 'The server has not received the photo file yet. Sync again in a moment.',
  },
  upload_too_many_parts: {
    zh: '照片文件太大，分块过多，无法上传。请重新拍摄。',
    en: 'The photo needs too many pieces to upload. Take it again.',
  },
  upload_bad_part_number: {
    zh: '上传的分块编号有误，将重新开始上传。',
    en: 'A piece of the upload was numbered wrongly; it will start again.',
  },
  upload_parts_missing: {
    zh: '还有部分照片数据没有送达，将继续上传。',
    en: 'Some pieces of the photo have not arrived; the upload continues.',
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
  round_status_move: {
    zh: '检查批次不能这样改状态（计划中 → 进行中 → 已结束）。请按顺序操作。',
    en: 'A round cannot change status that way (planned → open → closed). Follow that order.',
  },
  round_closed: {
    zh: '该检查批次未开始或已结束，不能再记录。请选择进行中的批次。',
    en: 'This round is not open and takes no records. Pick an open round.',
  },
  merge_same_defect: {
    zh: '不能把缺陷与它自己合并。请选择另一条缺陷。',
    en: 'A defect cannot be merged into itself. Pick the other defect.',
  },
  merge_other_unit: {
    zh: '只能合并同一房号的缺陷。请确认两条缺陷在同一户。',
    en: 'Only defects of the same unit can be merged. Check both are in one home.',
  },
  merge_not_open: {
    zh: '重复的缺陷已在处理或已关闭，或保留的缺陷已作废，不能合并。请刷新后再看。',
    en: 'The duplicate is already being fixed or closed, or the one to keep is void. Refresh and check again.',
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
  account_inactive: {
    zh: '该账号已停用。如需继续使用，请联系管理员恢复。',
    en: 'This account is deactivated. Ask the administrator to reactivate it.',
  },
  code_taken: {
    zh: '该编号或名称已被使用，请换一个再保存。',
    en: 'That code or name is already used. Choose another and save again.',
  },
  contractor_only_crew: {
    zh: '只有维修人员账号可以选择施工单位。请清除施工单位，或把角色改为维修人员。',
    en: 'Only crew accounts belong to a contractor. Clear the contractor or change the role to crew.',
  },
  crew_needs_contractor: {
    zh: '维修人员账号必须选择所属施工单位。请选择施工单位后再保存。',
    en: 'A crew account needs its contractor. Choose the contractor and save again.',
  },
  gone: {
    zh: '该内容已不存在。请刷新后查看最新情况。',
    en: 'This no longer exists. Refresh to see the current state.',
  },
  invitation_expired: {
    zh: '邀请码已过期。请联系物业或项目经理重新发放邀请函。',
    en: 'This invitation code has expired. Ask the property office or project manager for a new invitation.',
  },
  invitation_invalid: {
    zh: '邀请码不正确。请核对邀请函上的邀请码后重新输入。',
    en: 'This invitation code is not valid. Check the code on your invitation letter and type it again.',
  },
  invitation_not_homeowner: {
    zh: '只有业主账号可以使用邀请码。请退出当前账号，用业主身份注册。',
    en: 'Only homeowner accounts use invitation codes. Log out and sign up as a homeowner.',
  },
  invitation_used: {
    zh: '该邀请码已被使用过。如果不是您本人使用，请联系物业或项目经理。',
    en: 'This invitation code has already been used. If it was not you, contact the property office or project manager.',
  },
  json_too_deep: {
    zh: '提交的数据结构异常，已被拒绝。请更新应用后再试。',
    en: 'The data sent had an abnormal structure and was refused. Update the app and try again.',
  },
  login_failed: {
    zh: '用户名或密码错误。请检查后重新输入；忘记密码请联系管理员重置。',
    en: 'Wrong username or password. Check and type them again; if you forgot the password, ask the administrator to reset it.',
  },
  method_not_allowed: {
    zh: '该操作不被支持。请更新应用后再试。',
    en: 'This operation is not supported. Update the app and try again.',
  },
  not_acceptable: {
    zh: '服务器无法提供所需的格式。请更新应用后再试。',
    en: 'The server cannot provide that format. Update the app and try again.',
  },
  payload_too_large: {
    zh: '提交的内容太大。请减少照片数量或缩小文件后再试。',
    en: 'What you sent is too large. Send fewer photos or a smaller file and try again.',
  },
  plan_image_missing: {
    zh: '户型图还没有上传。请先上传户型图，再设置到户型上。',
    en: 'The floor-plan image is not uploaded yet. Upload it first, then set it on the plan type.',
  },
  precondition_failed: {
    zh: '该记录在您查看后已被修改。请刷新后再操作。',
    en: 'The record changed after you opened it. Refresh and try again.',
  },
  project_unknown: {
    zh: '所选项目不存在，可能已被删除。请刷新项目列表后重新选择。',
    en: 'A selected project does not exist. Refresh the project list and choose again.',
  },
  range_not_satisfiable: {
    zh: '文件传输位置不一致，将从头重新上传。',
    en: 'The upload position did not match; the file will be uploaded again from the start.',
  },
  unavailable: {
    zh: '服务器暂时不可用，记录已保留在本机，稍后会自动重试。',
    en: 'The server is temporarily unavailable. Your records are kept on this device and will be retried.',
  },
  unit_import_invalid: {
    zh: '房号清单有错误，未导入任何房号。请按提示修改对应行后重新导入。',
    en: 'The unit list has errors and nothing was imported. Fix the rows listed and import again.',
  },
  unit_import_unreadable: {
    zh: '无法读取该文件。请另存为 Excel（.xlsx）或 CSV 后重新导入。',
    en: 'The file cannot be read. Save it as Excel (.xlsx) or CSV and import again.',
  },
  unknown_filter: {
    zh: '查询条件不被支持。请更新应用后再试。',
    en: 'A search filter is not supported. Update the app and try again.',
  },
  unsupported_media_type: {
    zh: '文件类型不被支持。请使用 JPEG 或 PNG 照片，或 Excel/CSV 表格。',
    en: 'This file type is not supported. Use JPEG or PNG photos, or an Excel/CSV sheet.',
  },
  username_taken: {
    zh: '该用户名已被占用，请换一个用户名。',
    en: 'That username is taken. Choose another username.',
  },
};

/**
 * Codes where sending the same thing again can succeed (the server was busy or down, the login ran out,
 * someone else's change got in first, the mutation is re-stamped). Anything else needs the user to change something: retrying the
 * same refused mutation would be refused again, so the app offers only "discard" for it.
 */
export const RETRYABLE = new Set([
  'internal',
  'unavailable',
  'rate_limited',
  'unauthorized',
  'conflict',
  'precondition_failed',
  'seq_expired', // a retry goes under a new sequence number
  'clock_invalid', // a retry is stamped afresh
]);

/** The words for an error code in `lang`, or null when the code is unknown to this version of the app. */
export function errorText(code, lang) {
  const entry = ERRORS[code];
  if (!entry) return null;
  return entry[lang] ?? entry.zh;
}

/**
 * What to show for a refusal: the app's words for its code, else the server\'s own text (a newer server\'s
 * code this app does not know yet), else a generic line.
 */
export function describeError({ code, message } = {}, lang = 'zh') {
  return errorText(code, lang) ?? (message || errorText('internal', lang));
}

/** Whether retrying can succeed: only for transient codes; a refusal without a code keeps the choice. */
export function canRetry(code) {
  return !code || RETRYABLE.has(code);
}
