import { callCloudFunction } from '../../utils/cloud';
import { tokenRows, type TokenRow } from '../../utils/token-rows';

interface TokenStatusData {
  loading: boolean;
  rows: TokenRow[];
  message: string;
}

const initialData: TokenStatusData = { loading: false, rows: [], message: '' };

/**
 * Whether each third-party token is fresh, through the `token_status` function: `setconfig`
 * is readable by cloud functions only, and no token value is sent to the phone.
 */
Component({
  data: initialData,
  methods: {
    onLoad() {
      void this.load();
    },

    onPullDownRefresh() {
      void this.load().then(() => wx.stopPullDownRefresh());
    },

    async load() {
      if (this.data.loading) return;
      this.setData({ loading: true, message: '' });
      const call = await callCloudFunction('token_status');
      const rows = call.ok ? tokenRows(call.result) : { ok: false as const, message: '网络异常，服务暂时不可用，请稍后再试' };
      this.setData(rows.ok ? { loading: false, rows: rows.rows } : { loading: false, rows: [], message: rows.message });
    },
  },
});
