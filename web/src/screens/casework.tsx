import { Page } from '../ui/kit.js';

export const NoticesScreen = () => <Page title="Notices">{null}</Page>;
export const NoticeScreen = (_: { noticeId: string }) => <Page title="Notice">{null}</Page>;
export const AppealsScreen = () => <Page title="Appeals">{null}</Page>;
export const AppealScreen = (_: { appealId: string }) => <Page title="Appeal">{null}</Page>;
export const ReferralsScreen = () => <Page title="Referrals">{null}</Page>;
export const ReferralScreen = (_: { referralId: string }) => <Page title="Referral">{null}</Page>;
export const HoldsScreen = () => <Page title="Holds">{null}</Page>;
export const HoldScreen = (_: { holdId: string }) => <Page title="Hold">{null}</Page>;
