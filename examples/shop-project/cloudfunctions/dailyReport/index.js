const cloud = require('wx-server-sdk');

cloud.init({ env: 'prod-1a2b' });
const db = cloud.database();

// Fired by its timer (config.json): counts the orders and uploads a report to cloud storage.
exports.main = async (event) => {
  const { total } = await db.collection('orders').count();
  const report = JSON.stringify({ trigger: event.TriggerName, orders: total });
  const { fileID } = await cloud.uploadFile({ cloudPath: 'reports/daily.json', fileContent: Buffer.from(report) });
  console.log('report', fileID, report);
  return { fileID, orders: total };
};
